package dev.llmcache.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Guards against measuring the wrong thing. */
final class Checks {

	/** How long a store may take to become readable after the call that made it returned. */
	private static final long STORE_LANDS_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(5);

	private Checks() {
	}

	/**
	 * Primes the cache with one call and makes sure the next ones are hits: a benchmark of hits
	 * that silently measured misses would flatter nobody and mislead everybody.
	 *
	 * <p>A cache may store after the call returned: Spring Data Redis's {@code RedisCache} over
	 * Lettuce writes asynchronously, so the call right after the first can still miss. Priming
	 * therefore repeats the call until one is a hit (for a few seconds at most); only then must
	 * three calls in a row be hits.
	 */
	static void hits(Services.Model model, Supplier<String> call) {
		call.get();
		long deadline = System.nanoTime() + STORE_LANDS_WITHIN_NANOS;
		int before = model.calls();
		answer(call);
		while (model.calls() != before) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("calls expected to be cache hits reached the model");
			}
			sleepBriefly();
			before = model.calls();
			answer(call);
		}
		for (int i = 0; i < 3; i++) {
			answer(call);
		}
		if (model.calls() != before) {
			throw new IllegalStateException("calls expected to be cache hits reached the model");
		}
	}

	/**
	 * Says so when calls of a measurement iteration reached the model: a hit benchmark then measured
	 * misses too (on a busy machine, a Redis reply slower than {@code llmcache.redis.timeout} makes
	 * llmcache skip L2 for its retry interval). Printed, not thrown, so the run goes on and the
	 * figure can be discarded.
	 * @param callsBefore the model's calls when the iteration began
	 */
	static void stillHits(String what, Services.Model model, int callsBefore) {
		int misses = model.calls() - callsBefore;
		if (misses > 0) {
			System.out.println("WARNING: " + misses + " calls of this iteration of " + what
					+ " reached the model: the figure mixes hits and misses");
		}
	}

	private static void answer(Supplier<String> call) {
		if (!Services.ANSWER.equals(call.get())) {
			throw new IllegalStateException("a cached call returned something else than the answer");
		}
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while priming the cache", ex);
		}
	}

}
