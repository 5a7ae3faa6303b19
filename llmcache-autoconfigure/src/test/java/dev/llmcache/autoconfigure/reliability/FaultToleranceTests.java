package dev.llmcache.autoconfigure.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults of a real redis-server process under load: killed, hung, restarted empty, full. No call
 * may fail, hang past the Redis timeout plus the model's time, or get a wrong answer.
 */
@ExtendWith(OutputCaptureExtension.class)
class FaultToleranceTests {

	private MockOpenAiServer server;

	private RedisServerProcess redis;

	@BeforeEach
	void start() {
		this.server = MockOpenAiServer.start();
		this.redis = RedisServerProcess.start();
	}

	@AfterEach
	void stop() {
		this.server.close();
		this.redis.close();
	}

	@Test
	void redisKilledDuringLoadFailsNoCallAndL2ResumesAfterARestart() throws Exception {
		LlmCacheContexts.withRedis(this.server, this.redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.retry-interval=200ms")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				Load load = Load.start(16, service);
				Thread.sleep(700);
				this.redis.kill();
				Thread.sleep(1000);
				this.redis.restart();
				Thread.sleep(700);
				load.stopAndCheck();
				assertThat(load.calls.get()).isGreaterThan(16);

				long deadline = System.currentTimeMillis() + 10_000;
				boolean l2Hit = false;
				while (!l2Hit && System.currentTimeMillis() < deadline) {
					service.ask("After the crash?");
					int before = this.server.requestCount();
					service.ask("After the crash?");
					l2Hit = this.server.requestCount() == before;
					Thread.sleep(100);
				}
				assertThat(l2Hit).as("L2 hits resume within seconds of the restart").isTrue();
			});
	}

	@Test
	void redisHungDuringLoadDelaysCallsByNoMoreThanTheTimeout() throws Exception {
		this.server.setDelay(Duration.ofMillis(50));
		AtomicLong slowestLookupNanos = new AtomicLong();
		LlmCacheContexts.withRedis(this.server, this.redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.timeout=100ms",
					"llmcache.redis.retry-interval=300ms", "llmcache.single-flight.timeout=2s")
			.withBean(LlmCacheListener.class,
					() -> event -> slowestLookupNanos.accumulateAndGet(event.lookupNanos(), Math::max))
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				Load load = Load.start(16, service);
				Thread.sleep(500);
				this.redis.pause();
				Thread.sleep(1500);
				this.redis.resume();
				Thread.sleep(500);
				load.stopAndCheck();
				// The cache's own part of a call (tiers, lease, coalescing) is bounded by its timeouts; what
				// the model call takes on a loaded 2-core machine is not ours to bound.
				assertThat(slowestLookupNanos.get() / 1_000_000).as("no call hangs in the cache").isLessThan(3_000);
				int before;
				long deadline = System.currentTimeMillis() + 10_000;
				do {
					service.ask("After the pause?");
					before = this.server.requestCount();
					service.ask("After the pause?");
				}
				while (this.server.requestCount() != before && System.currentTimeMillis() < deadline);
				assertThat(this.server.requestCount()).as("the cache recovers after SIGCONT").isEqualTo(before);
			});
	}

	@Test
	void redisRestartedEmptyLosesEntriesButNoCall() {
		LlmCacheContexts.withRedis(this.server, this.redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.retry-interval=200ms")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				service.ask("Will you remember me?");
				this.redis.stop();
				this.redis.restart();
				long deadline = System.currentTimeMillis() + 10_000;
				String answer = null;
				while (System.currentTimeMillis() < deadline) {
					answer = service.ask("Will you remember me?");
					int before = this.server.requestCount();
					if (answer.startsWith("Answer to: Will you remember me? ")
							&& service.ask("Will you remember me?").equals(answer)
							&& this.server.requestCount() == before) {
						break;
					}
					Thread.sleep(100);
				}
				assertThat(answer).startsWith("Answer to: Will you remember me? ");
				assertThat(this.redis.command("DBSIZE").trim()).as("the entry was rebuilt").isNotEqualTo("0");
			});
	}

	@Test
	void aFullRedisRefusesWritesButEveryCallSucceedsWithOneWarning(CapturedOutput output) throws Exception {
		try (RedisServerProcess full = RedisServerProcess.start("--maxmemory", "2mb", "--maxmemory-policy",
				"noeviction", "--enable-debug-command", "yes")) {
			full.command("DEBUG", "POPULATE", "20000", "filler", "100");
			LlmCacheContexts.withRedis(this.server, full).withPropertyValues("llmcache.l1.enabled=false").run(context -> {
				AskService service = context.getBean(AskService.class);
				for (int i = 0; i < 20; i++) {
					assertThat(service.ask("Full question " + i + "?")).startsWith("Answer to: Full question " + i + "?");
				}
				assertThat(this.server.requestCount()).isEqualTo(20);
				assertThat(output.getAll().split("Redis refuses commands", -1)).as("one WARN per episode").hasSize(2);
				full.command("FLUSHALL");
				service.ask("Room again?");
				int before = this.server.requestCount();
				service.ask("Room again?");
				assertThat(this.server.requestCount()).as("stored again once Redis has room").isEqualTo(before);
			});
		}
	}

	/** Sixteen threads asking a small set of questions until stopped, checking every answer. */
	static final class Load {

		final AtomicBoolean running = new AtomicBoolean(true);

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger failures = new AtomicInteger();

		final AtomicInteger wrong = new AtomicInteger();


		final List<Future<?>> workers = new ArrayList<>();

		final ExecutorService executor;

		private Load(int threads) {
			this.executor = Executors.newFixedThreadPool(threads);
		}

		static Load start(int threads, AskService service) {
			Load load = new Load(threads);
			for (int t = 0; t < threads; t++) {
				int thread = t;
				load.workers.add(load.executor.submit(() -> {
					int i = 0;
					while (load.running.get()) {
						String question = "Load question " + ((thread + i++) % 24) + "?";
						try {
							String answer = service.ask(question);
							if (!answer.startsWith("Answer to: " + question + " ")) {
								load.wrong.incrementAndGet();
							}
						}
						catch (RuntimeException ex) {
							load.failures.incrementAndGet();
						}
						load.calls.incrementAndGet();
					}
				}));
			}
			return load;
		}

		void stopAndCheck() throws Exception {
			this.running.set(false);
			for (Future<?> worker : this.workers) {
				worker.get(30, TimeUnit.SECONDS);
			}
			this.executor.shutdownNow();
			assertThat(this.failures).as("failed calls").hasValue(0);
			assertThat(this.wrong).as("wrong answers").hasValue(0);
		}

	}

}
