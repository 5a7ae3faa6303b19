package dev.llmcache.metrics;

import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.SemanticIndex;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the in-process semantic index: {@code llmcache.semantic.index.entries} (entries held,
 * the figure {@code llmcache.semantic.max-entries} bounds) and
 * {@code llmcache.semantic.index.evictions} (entries evicted to stay within the bounds).
 */
public class SemanticIndexMetrics implements MeterBinder {

	private final SemanticIndex index;

	/** @param index the index; meters are bound only for an {@link InMemorySemanticIndex} */
	public SemanticIndexMetrics(SemanticIndex index) {
		this.index = index;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!(this.index instanceof InMemorySemanticIndex memory)) {
			return;
		}
		Gauge.builder("llmcache.semantic.index.entries", memory, InMemorySemanticIndex::size)
			.description("Entries in the in-process semantic index")
			.register(registry);
		FunctionCounter.builder("llmcache.semantic.index.evictions", memory, InMemorySemanticIndex::evictions)
			.description("Entries evicted from the in-process semantic index to stay within its bounds")
			.register(registry);
	}

}
