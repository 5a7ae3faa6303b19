package dev.llmcache.engine;

import dev.llmcache.codec.CachedValue;
import org.jspecify.annotations.Nullable;

/**
 * What happened in one cached call, for metrics, tracing and dashboards.
 *
 * @param namespace the namespace of the call
 * @param outcome how it was answered
 * @param entry on a hit, the entry served (its usage is what the hit saved); on a miss, the entry
 * stored, if any
 * @param lookupNanos time spent in the cache tiers before answering or calling the model
 * @param modelNanos time spent in the model call, 0 when none was made
 * @param similarity for a semantic hit, the similarity of the entry served
 */
public record CallEvent(String namespace, Outcome outcome, @Nullable CachedValue entry, long lookupNanos,
		long modelNanos, @Nullable Double similarity) {
}
