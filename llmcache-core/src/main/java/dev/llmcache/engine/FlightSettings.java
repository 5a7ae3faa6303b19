package dev.llmcache.engine;

import java.time.Duration;

/**
 * How concurrent misses of one key are coalesced.
 *
 * @param timeout how long a caller waits for an identical call in flight before calling the model itself
 * @param distributed whether instances coordinate through a per-key lease in Redis
 * @param lease lifetime of that lease: if its holder dies, another instance takes over after it
 */
public record FlightSettings(Duration timeout, boolean distributed, Duration lease) {

	public FlightSettings {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("llmcache.single-flight.timeout must be positive, got " + timeout);
		}
		if (lease.isNegative() || lease.isZero()) {
			throw new IllegalArgumentException("llmcache.single-flight.lease must be positive, got " + lease);
		}
	}

	public static FlightSettings defaults() {
		return new FlightSettings(Duration.ofSeconds(30), true, Duration.ofSeconds(30));
	}

}
