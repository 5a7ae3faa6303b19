package dev.llmcache.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A stampede: 64 threads ask the same new question at once, and the model takes 200 ms. Measured:
 * the wall time until all 64 have their answer, and how many calls reached the model (the
 * {@code modelCalls} counter, per burst). llmcache coalesces the misses onto one call; the
 * baselines are {@code @Cacheable} as usually written (every miss calls the model) and
 * {@code @Cacheable(sync = true)}.
 *
 * <p>Target: one model call per burst, and a wall time of at most 1.2x that of
 * {@code @Cacheable(sync = true)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class SingleFlightBenchmark {

	static final int CALLERS = 64;

	static final long MODEL_MILLIS = 200;

	private ConfigurableApplicationContext ours;

	private ConfigurableApplicationContext spring;

	private Services.LlmCachedService llmcache;

	private Services.CacheableService cacheable;

	private ExecutorService callers;

	private final AtomicLong questions = new AtomicLong();

	@Setup
	public void start() {
		this.ours = Contexts.llmcacheL1();
		this.spring = Contexts.cacheable();
		this.llmcache = this.ours.getBean(Services.LlmCachedService.class);
		this.cacheable = this.spring.getBean(Services.CacheableService.class);
		this.llmcache.model().setLatencyMillis(MODEL_MILLIS);
		this.cacheable.model().setLatencyMillis(MODEL_MILLIS);
		this.callers = Executors.newFixedThreadPool(CALLERS);
	}

	@TearDown
	public void stop() {
		this.callers.shutdownNow();
		this.ours.close();
		this.spring.close();
	}

	/** Model calls of the burst just measured. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Calls {

		public long modelCalls;

		@Setup(Level.Invocation)
		public void reset() {
			this.modelCalls = 0;
		}

	}

	@Benchmark
	public void llmCached(Calls calls) throws Exception {
		calls.modelCalls = burst(this.llmcache.model(), this.llmcache::answer);
	}

	@Benchmark
	public void cacheable(Calls calls) throws Exception {
		calls.modelCalls = burst(this.cacheable.model(), this.cacheable::answer);
	}

	@Benchmark
	public void cacheableSync(Calls calls) throws Exception {
		calls.modelCalls = burst(this.cacheable.model(), this.cacheable::answerSynced);
	}

	/** Releases 64 callers of one new question at once; returns the model calls they caused. */
	private long burst(Services.Model model, Function<String, String> call) throws Exception {
		String question = "question " + this.questions.incrementAndGet() + ": " + Prompts.text(256, 5);
		int before = model.calls();
		CountDownLatch ready = new CountDownLatch(CALLERS);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<String>> answers = new ArrayList<>(CALLERS);
		for (int i = 0; i < CALLERS; i++) {
			answers.add(this.callers.submit(() -> {
				ready.countDown();
				go.await();
				return call.apply(question);
			}));
		}
		ready.await();
		go.countDown();
		for (Future<String> answer : answers) {
			if (!Services.ANSWER.equals(answer.get())) {
				throw new IllegalStateException("a caller got something else than the answer");
			}
		}
		return model.calls() - before;
	}

}
