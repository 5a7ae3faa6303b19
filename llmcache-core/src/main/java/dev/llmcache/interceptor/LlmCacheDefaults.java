package dev.llmcache.interceptor;

import java.time.Duration;

/**
 * Values an {@code @LlmCached} method falls back to where its annotation says nothing.
 *
 * @param ttl the entry lifetime ({@code llmcache.ttl})
 * @param maxTemperature the highest requested temperature still cached ({@code llmcache.max-temperature})
 * @param requirePartition whether every method must be partitioned ({@code llmcache.require-partition})
 */
public record LlmCacheDefaults(Duration ttl, double maxTemperature, boolean requirePartition) {

	public LlmCacheDefaults {
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("llmcache.ttl must be positive, got " + ttl);
		}
		if (maxTemperature < 0 || Double.isNaN(maxTemperature)) {
			throw new IllegalArgumentException("llmcache.max-temperature must be 0 or more, got " + maxTemperature);
		}
	}

	public static LlmCacheDefaults standard() {
		return new LlmCacheDefaults(Duration.ofHours(1), 0.0, false);
	}

}
