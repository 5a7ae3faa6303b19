package dev.llmcache.tier;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmcache.key.CacheKey;

/**
 * This JVM's record of invalidations, against which {@link StoreToken}s are checked: a logical
 * clock, the stamp of the last eviction of each recently evicted key and of the last clear of each
 * namespace. A token taken at stamp {@code s} is current while no eviction of its key and no clear
 * of its namespace is stamped after {@code s}.
 *
 * <p>Bounded: past {@link #MAX_KEYS} evicted keys, the oldest stamps are folded into one floor
 * below which every token is refused. Refusing a store is always safe (the next call fills the
 * entry), so the bound costs at most a few extra misses, never a stale answer.
 *
 * <p>An invalidation is stamped before the tiers are touched, and tiers check a token atomically
 * with their write, so a store that began before an invalidation either lands before the
 * invalidation removes it or is refused. Thread-safe and lock-free.
 */
final class LocalInvalidations {

	static final int MAX_KEYS = 10_000;

	private final AtomicLong clock = new AtomicLong();

	private final ConcurrentHashMap<CacheKey, Long> keys = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Long> namespaces = new ConcurrentHashMap<>();

	private volatile long floor;

	/** The stamp of a call beginning now. */
	long now() {
		return this.clock.get();
	}

	void evicted(CacheKey key) {
		long stamp = this.clock.incrementAndGet();
		this.keys.merge(key, stamp, Math::max);
		if (this.keys.size() > MAX_KEYS) {
			fold();
		}
	}

	void cleared(String namespace) {
		long stamp = this.clock.incrementAndGet();
		this.namespaces.merge(namespace, stamp, Math::max);
	}

	boolean admits(CacheKey key, long startStamp) {
		if (startStamp < this.floor) {
			return false;
		}
		Long namespaceStamp = this.namespaces.get(key.namespace());
		if (namespaceStamp != null && namespaceStamp > startStamp) {
			return false;
		}
		Long keyStamp = this.keys.get(key);
		return keyStamp == null || keyStamp <= startStamp;
	}

	private synchronized void fold() {
		// The floor is raised before any stamp below it is dropped, so no check sees neither.
		long newFloor = this.clock.get();
		this.floor = Math.max(this.floor, newFloor);
		this.keys.values().removeIf(stamp -> stamp <= newFloor);
	}

}
