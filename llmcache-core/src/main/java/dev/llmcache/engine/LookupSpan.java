package dev.llmcache.engine;

import dev.llmcache.codec.CachedValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The cache's part of one call: when it began, and, while tracing is on, the {@code llmcache.lookup}
 * observation started then, so that its span covers the tiers that were asked. It is ended once,
 * by the first answer: a hit, a coalesced result, or the decision to call the model (a miss).
 *
 * <p>Confined to the thread of the call it times.
 */
final class LookupSpan {

	private final long startNanos;

	private @Nullable Observation observation;

	private LookupSpan(long startNanos, @Nullable Observation observation) {
		this.startNanos = startNanos;
		this.observation = observation;
	}

	static LookupSpan start(ObservationRegistry registry, String namespace) {
		long now = System.nanoTime();
		if (registry.isNoop()) {
			return new LookupSpan(now, null);
		}
		Observation observation = Observation.createNotStarted(LlmCacheEngine.LOOKUP_OBSERVATION, registry)
			.contextualName("llmcache lookup")
			.lowCardinalityKeyValue("llmcache.namespace", namespace)
			.start();
		return new LookupSpan(now, observation);
	}

	long elapsedNanos() {
		return System.nanoTime() - this.startNanos;
	}

	/** Tag the span with what the cache answered and stop it; later calls do nothing. */
	void end(Outcome outcome, @Nullable CachedValue entry, @Nullable Double similarity) {
		Observation current = this.observation;
		if (current == null) {
			return;
		}
		this.observation = null;
		LlmCacheEngine.tag(current, outcome, entry, similarity);
		current.stop();
	}

}
