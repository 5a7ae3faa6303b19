package dev.llmcache.engine;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.observation.DefaultLookupObservationConvention;
import dev.llmcache.observation.LlmCacheObservationDocumentation;
import dev.llmcache.observation.LookupObservationContext;
import dev.llmcache.observation.LookupObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The cache's part of one call: when it began, and, while tracing is on, the {@code llmcache.lookup}
 * observation started then, so that its span covers the tiers that were asked. It is ended once,
 * by the first answer: a hit, a coalesced result, or the decision to call the model (a miss).
 *
 * <p>Thread-safe: an asynchronous call may end it on another thread than the one that started it.
 */
final class LookupSpan {

	private final long startNanos;

	// A field updater rather than an AtomicReference: one object less on every cached call.
	private static final AtomicReferenceFieldUpdater<LookupSpan, Observation> OBSERVATION = AtomicReferenceFieldUpdater
		.newUpdater(LookupSpan.class, Observation.class, "observation");

	private volatile @Nullable Observation observation;

	private LookupSpan(long startNanos, @Nullable Observation observation) {
		this.startNanos = startNanos;
		if (observation != null) {
			// A volatile write costs a store fence: none on the usual call, which is not traced.
			this.observation = observation;
		}
	}

	static LookupSpan start(ObservationRegistry registry, @Nullable LookupObservationConvention convention,
			String namespace) {
		long now = System.nanoTime();
		if (registry.isNoop()) {
			return new LookupSpan(now, null);
		}
		return new LookupSpan(now, observation(registry, convention, namespace).start());
	}

	static Observation observation(ObservationRegistry registry, @Nullable LookupObservationConvention convention,
			String namespace) {
		return LlmCacheObservationDocumentation.LOOKUP.observation(convention, DEFAULT_CONVENTION,
				() -> new LookupObservationContext(namespace), registry);
	}

	private static final DefaultLookupObservationConvention DEFAULT_CONVENTION = new DefaultLookupObservationConvention();

	long elapsedNanos() {
		return System.nanoTime() - this.startNanos;
	}

	/** Tag the span with what the cache answered and stop it; later calls do nothing. */
	void end(Outcome outcome, @Nullable CachedValue entry, @Nullable Double similarity) {
		Observation current = (this.observation != null) ? OBSERVATION.getAndSet(this, null) : null;
		if (current != null) {
			LlmCacheEngine.tag(current, outcome, entry, similarity);
			current.stop();
		}
	}

	/** Stop the span without an outcome: its caller went away before the cache answered. */
	void abandon() {
		Observation current = (this.observation != null) ? OBSERVATION.getAndSet(this, null) : null;
		if (current != null) {
			current.stop();
		}
	}

}
