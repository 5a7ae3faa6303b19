package dev.llmcache.benchmarks;

import java.util.function.Supplier;

/** Guards against measuring the wrong thing. */
final class Checks {

	private Checks() {
	}

	/**
	 * Primes the cache with one call and makes sure the next ones are hits: a benchmark of hits
	 * that silently measured misses would flatter nobody and mislead everybody.
	 */
	static void hits(Services.Model model, Supplier<String> call) {
		call.get();
		int before = model.calls();
		for (int i = 0; i < 3; i++) {
			if (!Services.ANSWER.equals(call.get())) {
				throw new IllegalStateException("a cached call returned something else than the answer");
			}
		}
		if (model.calls() != before) {
			throw new IllegalStateException("calls expected to be cache hits reached the model");
		}
	}

}
