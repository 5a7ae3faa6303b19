package dev.llmcache.tier;

import dev.llmcache.key.CacheKey;

/**
 * Tells the other instances that copies they hold in L1 are stale. Only invalidations are sent,
 * never ordinary stores after a miss: a store adds an entry nobody else holds.
 *
 * <p>Implementations must be thread-safe and must not throw.
 */
public interface InvalidationBroadcaster {

	/** One entry was evicted or overwritten. */
	void evicted(CacheKey key);

	/** A namespace was cleared. */
	void cleared(String namespace);

	InvalidationBroadcaster NONE = new InvalidationBroadcaster() {

		@Override
		public void evicted(CacheKey key) {
		}

		@Override
		public void cleared(String namespace) {
		}

	};

}
