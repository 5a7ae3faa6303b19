package dev.llmcache.warmup;

import java.util.List;

/**
 * What a warm-up did.
 *
 * @param total entries in the plan, invalid ones included
 * @param warmed calls made whose result is now cached
 * @param skipped entries already cached: no call made
 * @param notStored calls made whose result the cache refused (a policy, {@code unless}, a
 * condition or a partition that bypasses the cache)
 * @param failures entries that failed, with why
 * @param durationMillis how long it took
 */
public record WarmupReport(int total, int warmed, int skipped, int notStored, List<WarmupFailure> failures,
		long durationMillis) {

	public WarmupReport {
		failures = List.copyOf(failures);
	}

	public int failed() {
		return this.failures.size();
	}

}
