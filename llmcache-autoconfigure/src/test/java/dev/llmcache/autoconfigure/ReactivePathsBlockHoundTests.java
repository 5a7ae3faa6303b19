package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Mono and Flux paths, misses and hits against a real Redis, called from Reactor's
 * non-blocking threads with BlockHound installed: any blocking call there (a Redis round trip
 * waited for, a lock parked on) fails the test.
 */
class ReactivePathsBlockHoundTests {

	private static MockOpenAiServer server;

	private static RedisServerProcess redis;

	@BeforeAll
	static void start() {
		BlockHound.install();
		server = MockOpenAiServer.start();
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stop() {
		server.close();
		redis.close();
	}

	@Test
	void blockHoundCatchesBlockingOnANonBlockingThread() {
		assertThatThrownBy(() -> Mono.fromCallable(() -> {
			Thread.sleep(10);
			return "slept";
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5))).hasCauseInstanceOf(BlockingOperationError.class);
	}

	@Test
	void monoAndFluxMissesAndHitsNeverBlockTheSubscriber() {
		LlmCacheContexts.withRedis(server, redis)
			.withUserConfiguration(LlmCacheConcurrencyIntegrationTests.StreamingConfiguration.class)
			.run(context -> {
				StreamingService service = context.getBean(StreamingService.class);
				for (int round = 0; round < 2; round++) {
					String mono = Mono.defer(() -> service.askMono("Non-blocking mono?"))
						.subscribeOn(Schedulers.parallel())
						.block(Duration.ofSeconds(10));
					assertThat(mono).startsWith("Answer to: Non-blocking mono?");
					List<String> chunks = Flux.defer(() -> service.streamText("Non-blocking flux?"))
						.subscribeOn(Schedulers.parallel())
						.collectList()
						.block(Duration.ofSeconds(10));
					assertThat(String.join("", chunks)).startsWith("Answer to: Non-blocking flux?");
				}
				assertThat(server.requestCount()).as("the second round was served from cache").isEqualTo(2);
			});
	}

}
