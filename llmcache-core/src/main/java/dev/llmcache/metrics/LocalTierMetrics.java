package dev.llmcache.metrics;

import dev.llmcache.tier.LocalTier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of the in-process tier: {@code llmcache.l1.entries} (estimated count) and
 * {@code llmcache.l1.size} (retained heap as weighed, in bytes), the figure {@code llmcache.l1.max-size}
 * bounds.
 */
public class LocalTierMetrics implements MeterBinder {

	private final LocalTier local;

	public LocalTierMetrics(LocalTier local) {
		this.local = local;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("llmcache.l1.entries", this.local, LocalTier::estimatedSize)
			.description("Entries in the in-process tier (estimate)")
			.register(registry);
		Gauge.builder("llmcache.l1.size", this.local, LocalTier::weightedSize)
			.description("Summed stored size of the entries in the in-process tier")
			.baseUnit("bytes")
			.register(registry);
	}

}
