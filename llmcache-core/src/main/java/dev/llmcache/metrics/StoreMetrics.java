package dev.llmcache.metrics;

import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Counters of what the cache chose not to keep: {@code llmcache.store.skipped} (tag
 * {@code reason=oversized}: results larger than {@code llmcache.max-value-bytes}, returned to their
 * caller but not stored) and {@code llmcache.l2.evictions} (tag {@code reason=cap}: entries this
 * instance deleted from Redis to keep a namespace within its cap).
 */
public class StoreMetrics implements MeterBinder {

	private final TieredCache cache;

	private final @Nullable RedisTier redis;

	public StoreMetrics(TieredCache cache, @Nullable RedisTier redis) {
		this.cache = cache;
		this.redis = redis;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("llmcache.store.skipped", this.cache, TieredCache::oversizedValues)
			.description("Results returned to their caller but not stored")
			.tag("reason", "oversized")
			.register(registry);
		if (this.redis != null) {
			FunctionCounter.builder("llmcache.l2.evictions", this.redis, RedisTier::capEvictions)
				.description("Entries deleted from Redis to keep a namespace within its cap")
				.tag("reason", "cap")
				.register(registry);
		}
	}

}
