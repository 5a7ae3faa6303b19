package dev.llmcache.autoconfigure.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak: 16 threads against one Redis and two application contexts, mixing hits, misses,
 * partitions, evictions and namespace clears. Every answer is checked against the prompt that asked
 * it; no call may fail; the heap must not keep growing.
 *
 * <p>The default build runs a 5-second smoke of it; the {@code soak} Maven profile runs it for a
 * minute ({@code mvn -Psoak ... -Dtest=SoakTests}), or set {@value #SECONDS_PROPERTY}.
 */
class SoakTests {

	static final String SECONDS_PROPERTY = "llmcache.soak.seconds";

	private static final long SOAK_MILLIS = Long.getLong(SECONDS_PROPERTY, 5) * 1000;

	// Ten times the 1,200 distinct keys or so (200 questions, in the faq namespace and for 5 users), so that
	// even a short run is mostly hits, as the minute-long one is.
	private static final int MIN_CALLS = 12_000;

	@Test
	void sixteenThreadsLoseNothingAndServeNothingWrong() throws Exception {
		try (MockOpenAiServer server = MockOpenAiServer.start(); RedisServerProcess redis = RedisServerProcess.start()) {
			LlmCacheContexts.withRedis(server, redis).run(first -> LlmCacheContexts.withRedis(server, redis).run(second -> {
				AskService[] services = { first.getBean(AskService.class), second.getBean(AskService.class) };
				LlmCacheManager[] managers = { first.getBean(LlmCacheManager.class), second.getBean(LlmCacheManager.class) };
				AtomicInteger calls = new AtomicInteger();
				AtomicInteger failures = new AtomicInteger();
				AtomicInteger wrong = new AtomicInteger();
				MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
				long heapAtStart = settledHeap(memory);
				long end = System.currentTimeMillis() + SOAK_MILLIS;
				long hardStop = end + 120_000;
				ExecutorService executor = Executors.newFixedThreadPool(16);
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < 16; t++) {
					workers.add(executor.submit(() -> {
						ThreadLocalRandom random = ThreadLocalRandom.current();
						// At least the time and at least MIN_CALLS calls: a short smoke on a busy machine still mixes enough.
						while (System.currentTimeMillis() < hardStop
								&& (System.currentTimeMillis() < end || calls.get() < MIN_CALLS)) {
							int instance = random.nextInt(2);
							int n = random.nextInt(200);
							String question = "Soak question " + n + "?";
							try {
								int action = random.nextInt(1000);
								if (action < 10) {
									managers[instance].evict(AskService.class, "faq", question);
								}
								else if (action < 11) {
									managers[instance].clearNamespace("faq");
								}
								else if (action < 700) {
									check(services[instance].faq(question), question, wrong);
								}
								else {
									String user = "user" + random.nextInt(5);
									check(services[instance].askAs(user, question), question, wrong);
								}
							}
							catch (RuntimeException ex) {
								failures.incrementAndGet();
							}
							calls.incrementAndGet();
						}
					}));
				}
				for (Future<?> worker : workers) {
					worker.get(SOAK_MILLIS + 180_000, TimeUnit.MILLISECONDS);
				}
				executor.shutdown();
				long heapAtEnd = settledHeap(memory);
				assertThat(failures).as("failed calls").hasValue(0);
				assertThat(wrong).as("wrong answers").hasValue(0);
				assertThat(calls.get()).as("calls made").isGreaterThanOrEqualTo(MIN_CALLS);
				assertThat(server.requestCount()).as("most calls were hits").isLessThan(calls.get() / 2);
				assertThat(heapAtEnd - heapAtStart).as("heap growth in bytes").isLessThan(64L * 1024 * 1024);
			}));
		}
	}

	private static void check(String answer, String question, AtomicInteger wrong) {
		if (!answer.startsWith("Answer to: " + question + " ")) {
			wrong.incrementAndGet();
		}
	}

	private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
		long lowest = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
			lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
		}
		return lowest;
	}

}
