package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.test.Concurrently;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stampedes, asynchronous and streaming results, and L1 coherence across instances: the real
 * OpenAI client against the counting mock server, one real Redis.
 */
class LlmCacheConcurrencyIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private static ApplicationContextRunner context() {
		return LlmCacheContexts.withRedis(server, redis).withUserConfiguration(StreamingConfiguration.class);
	}

	@Test
	void sixtyFourThreadsAskingTheSameQuestionMakeOneRequest() throws Exception {
		server.setDelay(Duration.ofMillis(300));
		context().run(context -> {
			AskService service = context.getBean(AskService.class);
			List<Object> answers = concurrently(64, i -> service.ask("What is a stampede?"));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(answers).hasSize(64).containsOnly(answers.get(0));
			assertThat((String) answers.get(0)).startsWith("Answer to: What is a stampede?");
		});
	}

	@Test
	void twoInstancesWithThirtyTwoThreadsEachMakeOneRequest() {
		server.setDelay(Duration.ofMillis(500));
		context().run(first -> context().run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			List<Object> answers = concurrently(64, i -> ((i % 2 == 0) ? a : b).ask("Shared across instances?"));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(answers).hasSize(64).containsOnly(answers.get(0));
		}));
	}

	@Test
	void aFailingModelCallReachesEveryCoalescedCallerAndIsNotCached() {
		server.setDelay(Duration.ofMillis(300));
		server.failNextRequests(1, 500);
		context().run(context -> {
			AskService service = context.getBean(AskService.class);
			List<Object> outcomes = concurrently(16, i -> {
				try {
					return service.ask("Will this fail?");
				}
				catch (RuntimeException ex) {
					return ex;
				}
			});
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isInstanceOf(RuntimeException.class));
			assertThat(service.ask("Will this fail?")).startsWith("Answer to: Will this fail?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void completableFuturesAndMonosAreCachedLikeValues() {
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			String first = service.askLater("Future question?").get(10, TimeUnit.SECONDS);
			String second = service.askLater("Future question?").get(10, TimeUnit.SECONDS);
			assertThat(second).isEqualTo(first).startsWith("Answer to: Future question?");
			assertThat(server.requestCount()).isEqualTo(1);

			String mono = service.askMono("Mono question?").block(Duration.ofSeconds(10));
			assertThat(service.askMono("Mono question?").block(Duration.ofSeconds(10))).isEqualTo(mono);
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void concurrentFuturesShareOneCall() {
		server.setDelay(Duration.ofMillis(300));
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			List<Object> answers = concurrently(16,
					i -> service.askLater("Concurrent future?").get(10, TimeUnit.SECONDS));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(answers).containsOnly(answers.get(0));
		});
	}

	@Test
	void aStreamedMissArrivesLiveAndIsStoredThenReplayedOnAHit() {
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			List<String> live = service.streamText("Stream me a story").collectList().block(Duration.ofSeconds(10));
			assertThat(live).hasSizeGreaterThan(1);
			String whole = String.join("", live);
			assertThat(whole).startsWith("Answer to: Stream me a story");
			assertThat(server.requestCount()).isEqualTo(1);

			List<String> replayed = service.streamText("Stream me a story").collectList().block(Duration.ofSeconds(10));
			assertThat(String.join("", replayed)).isEqualTo(whole);
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(context.getBean(AskService.class)).isNotNull();
		});
	}

	@Test
	void chatResponseStreamsKeepFinishReasonAndUsageWhenReplayed() {
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			Prompt prompt = new Prompt("Stream a chat response");
			List<ChatResponse> live = service.streamResponses(prompt).collectList().block(Duration.ofSeconds(10));
			String liveText = text(live);
			List<ChatResponse> replayed = service.streamResponses(prompt).collectList().block(Duration.ofSeconds(10));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(text(replayed)).isEqualTo(liveText);
			ChatResponse last = replayed.get(replayed.size() - 1);
			assertThat(last.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
		});
	}

	@Test
	void aStreamThatFailsMidwayStoresNothing() {
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			server.failStreamAfterChunks(2);
			assertThatThrownBy(() -> service.streamText("Broken stream").collectList().block(Duration.ofSeconds(10)))
				.isInstanceOf(RuntimeException.class);
			server.failStreamAfterChunks(-1);
			String whole = String.join("",
					service.streamText("Broken stream").collectList().block(Duration.ofSeconds(10)));
			assertThat(whole).startsWith("Answer to: Broken stream");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void aCallMadeAsAStreamFailsNeverJoinsTheFailedStream() {
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			server.failStreamAfterChunks(2);
			AtomicReference<List<String>> next = new AtomicReference<>();
			// Runs while the error travels down, before the failed stream's own clean-up.
			Flux<String> failing = service.streamText("Fails then works").doOnError(ex -> {
				server.failStreamAfterChunks(-1);
				next.set(service.streamText("Fails then works").collectList().block(Duration.ofSeconds(10)));
			});
			assertThatThrownBy(() -> failing.collectList().block(Duration.ofSeconds(10)))
				.isInstanceOf(RuntimeException.class);
			assertThat(String.join("", next.get())).startsWith("Answer to: Fails then works");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void aCancelledSubscriberStoresNothing() throws Exception {
		server.setChunkDelay(Duration.ofMillis(50));
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			assertThat(service.streamText("Cancel me please now").take(1).blockLast(Duration.ofSeconds(10))).isNotNull();
			Thread.sleep(500);
			String whole = String.join("",
					service.streamText("Cancel me please now").collectList().block(Duration.ofSeconds(10)));
			assertThat(whole).startsWith("Answer to: Cancel me please now");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void subscribersOfAnIdenticalStreamInFlightShareOneUpstream() {
		server.setChunkDelay(Duration.ofMillis(30));
		context().run(context -> {
			StreamingService service = context.getBean(StreamingService.class);
			List<Object> texts = concurrently(8, i -> String.join("",
					service.streamText("Shared stream question").collectList().block(Duration.ofSeconds(10))));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(texts).containsOnly(texts.get(0));
		});
	}

	@Test
	void anEvictionOnOneInstanceRemovesTheStaleL1CopyOnTheOther() {
		context().run(first -> context().run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			a.faq("What are your opening hours?");
			b.faq("What are your opening hours?");
			assertThat(server.requestCount()).isEqualTo(1);

			first.getBean(LlmCacheManager.class).evict(AskService.class, "faq", "What are your opening hours?");
			awaitRequestsAfter(() -> b.faq("What are your opening hours?"), 2);

			a.faq("Where are you?");
			b.faq("Where are you?");
			first.getBean(LlmCacheManager.class).clearNamespace("faq");
			int before = server.requestCount();
			awaitRequestsAfter(() -> b.faq("Where are you?"), before + 1);
		}));
	}

	@Test
	void aForcedRefreshOverwritesTheEntryAndTheOtherInstanceDropsItsCopy() throws Exception {
		context().run(first -> context().run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			String old = a.faq("What is the price?");
			assertThat(b.faq("What is the price?")).isEqualTo(old);
			server.setContent("The new price is 12 euros.");
			String fresh = LlmCacheControl.forceRefresh().call(() -> a.faq("What is the price?"));
			assertThat(fresh).isEqualTo("The new price is 12 euros.");
			assertThat(server.requestCount()).isEqualTo(2);
			long deadline = System.currentTimeMillis() + 5_000;
			while (!fresh.equals(b.faq("What is the price?")) && System.currentTimeMillis() < deadline) {
				Thread.sleep(50);
			}
			assertThat(b.faq("What is the price?")).isEqualTo(fresh);
			assertThat(server.requestCount()).as("the other instance read the new entry from L2").isEqualTo(2);
		}));
	}

	/** Pub/sub is asynchronous: call until the other instance has dropped its copy, bounded. */
	private static void awaitRequestsAfter(Runnable call, int expected) {
		long deadline = System.currentTimeMillis() + 5_000;
		call.run();
		while (server.requestCount() < expected && System.currentTimeMillis() < deadline) {
			sleep(50);
			call.run();
		}
		assertThat(server.requestCount()).isEqualTo(expected);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String text(List<ChatResponse> responses) {
		StringBuilder text = new StringBuilder();
		for (ChatResponse response : responses) {
			if (response.getResult() != null && response.getResult().getOutput().getText() != null) {
				text.append(response.getResult().getOutput().getText());
			}
		}
		return text.toString();
	}

	static List<Object> concurrently(int threads, Concurrently.Task task) {
		try {
			return Concurrently.all(threads, task);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class StreamingConfiguration {

		@Bean
		StreamingService streamingService(ChatModel chatModel) {
			return new StreamingService(chatModel);
		}

	}

}
