package dev.llmcache.tier;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.llmcache.LlmCacheInvalidationException;
import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.LlmCacheSerializer;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.codec.UndecodableEntryException;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The exact-match tiers in order: L1 (in-process), then L2 (Redis). An L2 hit back-fills L1 with
 * the entry's remaining lifetime; a store writes both.
 *
 * <p>Either tier may be absent. A namespace clear or an eviction that races with a call in flight
 * wins: the value that call produces is not stored under the old generation. Thread-safe.
 */
public final class TieredCache {

	private static final Log logger = LogFactory.getLog(TieredCache.class);

	private final @Nullable LocalTier local;

	private final @Nullable RedisTier redis;

	private final LlmCacheSerializer serializer;

	private final double ttlJitter;

	private final ConcurrentHashMap<String, Long> localGenerations = new ConcurrentHashMap<>();

	private final PendingInvalidations pending = new PendingInvalidations();

	private volatile InvalidationBroadcaster broadcaster = InvalidationBroadcaster.NONE;

	private volatile long maxValueBytes = Long.MAX_VALUE;

	private volatile boolean localReadable = true;

	private final java.util.concurrent.atomic.AtomicLong oversized = new java.util.concurrent.atomic.AtomicLong();

	/**
	 * @param local L1, or null to run without it
	 * @param redis L2, or null to run without it
	 * @param serializer the stored format
	 * @param ttlJitter fraction in [0, 1) by which an entry's lifetime is shortened at random, so that
	 * entries written together do not expire together
	 */
	public TieredCache(@Nullable LocalTier local, @Nullable RedisTier redis, LlmCacheSerializer serializer,
			double ttlJitter) {
		if (ttlJitter < 0 || ttlJitter >= 1) {
			throw new IllegalArgumentException("llmcache.redis.ttl-jitter must be in [0, 1), got " + ttlJitter);
		}
		this.local = local;
		this.redis = redis;
		this.serializer = serializer;
		this.ttlJitter = ttlJitter;
	}

	/**
	 * Largest encoded entry stored; a larger result is still returned to its caller, but not stored,
	 * so that one huge answer cannot evict thousands of small ones.
	 */
	public void setMaxValueBytes(long maxValueBytes) {
		this.maxValueBytes = maxValueBytes;
	}

	/** How many results were not stored because they exceeded the maximum size. */
	public long oversizedValues() {
		return this.oversized.get();
	}

	/**
	 * Whether L1 may answer. An instance whose L1 may be missing other instances' invalidations (it
	 * has not yet subscribed to them) reads L2 instead; L1 is still written.
	 */
	public void setLocalReadable(boolean localReadable) {
		this.localReadable = localReadable;
	}

	/** Where evictions and clears are announced to other instances; none by default. */
	public void setBroadcaster(InvalidationBroadcaster broadcaster) {
		this.broadcaster = broadcaster;
	}

	/**
	 * Look the key up in L1, then L2.
	 * @param readL1 whether L1 may answer (false for calls that must see the shared state)
	 */
	public Lookup get(CacheKey key, ValueType type, boolean readL1) {
		long localGeneration = this.localGenerations.getOrDefault(key.namespace(), 0L);
		if (this.local != null && readL1 && this.localReadable) {
			CachedValue value = this.local.get(key);
			if (value != null) {
				return new Lookup(value, Tier.L1, RedisTier.Lookup.UNAVAILABLE, localGeneration);
			}
		}
		if (this.redis == null) {
			return new Lookup(null, Tier.NONE, RedisTier.Lookup.UNAVAILABLE, localGeneration);
		}
		if (!this.pending.isEmpty() && !this.pending.replay(this.redis)) {
			// Redis may still hold what the pending invalidations remove: it is not read until they land.
			return new Lookup(null, Tier.NONE, RedisTier.Lookup.UNAVAILABLE, localGeneration);
		}
		RedisTier.Lookup stored = this.redis.lookup(key);
		if (!stored.available() || stored.bytes() == null) {
			return new Lookup(null, Tier.NONE, stored, localGeneration);
		}
		CachedValue value = decode(key, type, stored.bytes());
		long now = System.currentTimeMillis();
		if (value == null || value.generation() != stored.generation() || value.isExpired(now)) {
			return new Lookup(null, Tier.NONE, stored, localGeneration);
		}
		if (this.local != null) {
			this.local.put(key, value);
		}
		return new Lookup(value, Tier.L2, stored, localGeneration);
	}

	/**
	 * Store a value the model produced after {@code lookup} missed.
	 * @return the stored entry, or null when a clear since the lookup made it stale
	 * @throws RuntimeException if the value cannot be serialized; nothing is stored then
	 */
	public @Nullable CachedValue put(CacheKey key, ValueType type, Object value, @Nullable String model,
			TokenUsage usage, Duration ttl, Lookup lookup) {
		return put(key, type, value, model, usage, ttl, lookup, false);
	}

	/**
	 * Store a value the model produced after {@code lookup} missed, or that replaces the entry on
	 * purpose ({@code replaces}, a forced refresh: other instances drop their copy).
	 * @return the stored entry, or null when nothing was stored: an invalidation or another store of
	 * the key since the lookup made it stale, or it exceeds the maximum size
	 */
	public @Nullable CachedValue put(CacheKey key, ValueType type, Object value, @Nullable String model,
			TokenUsage usage, Duration ttl, Lookup lookup, boolean replaces) {
		if (this.localGenerations.getOrDefault(key.namespace(), 0L) != lookup.localGeneration()) {
			return null;
		}
		long now = System.currentTimeMillis();
		long lifetime = jittered(ttl.toMillis());
		long generation = Math.max(lookup.l2Generation(), 0);
		CachedValue entry = new CachedValue(value, model, usage, now, now + lifetime, generation, 0);
		byte[] bytes = this.serializer.serialize(entry, type, key);
		if (bytes.length > this.maxValueBytes) {
			this.oversized.incrementAndGet();
			logger.debug("llmcache: not storing a " + bytes.length + "-byte entry in '" + key.namespace()
					+ "': above the maximum of " + this.maxValueBytes);
			return null;
		}
		entry = new CachedValue(value, model, usage, now, now + lifetime, generation, bytes.length);
		if (this.redis != null && lookup.l2Generation() >= 0 && this.pending.isEmpty()
				&& this.redis.store(key, bytes, lifetime, lookup.l2(), replaces) == RedisTier.Store.REFUSED) {
			// Another call stored first, or an invalidation came after this call began: its answer is
			// the caller's alone, kept nowhere, so that every instance serves what Redis holds.
			return null;
		}
		if (this.redis == null && replaces) {
			this.broadcaster.evicted(key);
		}
		if (this.local != null) {
			this.local.put(key, entry);
		}
		return entry;
	}

	/**
	 * Remove one entry from both tiers, and from the L1 of every other instance.
	 * @throws LlmCacheInvalidationException when Redis did not confirm it in time: this instance's
	 * copy is gone and the eviction is pending, replayed before Redis is used again
	 */
	public void evict(CacheKey key) {
		if (this.local != null) {
			this.local.invalidate(key);
		}
		if (this.redis == null) {
			this.broadcaster.evicted(key);
			return;
		}
		// Behind a pending invalidation, this one waits its turn: they land in the order they were made.
		if (!this.pending.replay(this.redis) || !this.redis.evict(key)) {
			unconfirmed(new PendingInvalidations.Pending(key, key.namespace()));
		}
	}

	/** A forced refresh was stored without Redis: other instances drop their L1 copy. */
	public void overwritten(CacheKey key) {
		if (this.redis == null) {
			this.broadcaster.evicted(key);
		}
	}

	private void unconfirmed(PendingInvalidations.Pending invalidation) {
		this.pending.add(invalidation);
		String message = "llmcache: " + invalidation.describe() + " could not be confirmed by Redis in "
				+ this.redis.timeoutMillis() + " ms; this instance dropped its own copy and replays the "
				+ ((invalidation.key() != null) ? "eviction" : "clear") + " when Redis answers, before it reads Redis again";
		logger.warn(message);
		throw new LlmCacheInvalidationException(message);
	}

	/** How many invalidations Redis did not confirm when they were made. */
	public long unconfirmedInvalidations() {
		return this.pending.failed();
	}

	/** How many invalidations wait to be replayed. */
	public int pendingInvalidations() {
		return this.pending.size();
	}

	/**
	 * Replay pending invalidations now, if Redis answers.
	 * @return whether nothing is pending any more
	 */
	public boolean replayPendingInvalidations() {
		return this.pending.isEmpty() || this.pending.replay(this.redis);
	}

	/** Apply another instance's eviction to this instance's L1 only. */
	public void evictLocally(CacheKey key) {
		if (this.local != null) {
			this.local.invalidate(key);
		}
	}

	/** Apply another instance's namespace clear to this instance only. */
	public void clearNamespaceLocally(String namespace) {
		this.localGenerations.merge(namespace, 1L, Long::sum);
		if (this.local != null) {
			this.local.invalidateNamespace(namespace);
		}
	}

	/** Forget everything held in this instance's L1, for when invalidations may have been missed. */
	public void clearLocal() {
		if (this.local != null) {
			this.local.invalidateAll();
		}
	}

	/**
	 * Make every entry of a namespace unreachable: O(1) in Redis, a sweep of this instance's L1.
	 * @throws LlmCacheInvalidationException when Redis did not confirm it in time: this instance's
	 * copies are gone and the clear is pending, replayed before Redis is used again
	 */
	public void clearNamespace(String namespace) {
		clearNamespaceLocally(namespace);
		if (this.redis == null) {
			this.broadcaster.cleared(namespace);
			return;
		}
		if (!this.pending.replay(this.redis) || !this.redis.clear(namespace)) {
			unconfirmed(new PendingInvalidations.Pending(null, namespace));
		}
		// Calls that read Redis while the clear was under way are refused too.
		clearNamespaceLocally(namespace);
	}

	public @Nullable LocalTier local() {
		return this.local;
	}

	public @Nullable RedisTier redis() {
		return this.redis;
	}

	private long jittered(long ttlMillis) {
		if (this.ttlJitter == 0) {
			return ttlMillis;
		}
		return ttlMillis - (long) (ttlMillis * this.ttlJitter * ThreadLocalRandom.current().nextDouble());
	}

	private @Nullable CachedValue decode(CacheKey key, ValueType type, byte[] bytes) {
		try {
			return this.serializer.deserialize(bytes, type, key);
		}
		catch (UndecodableEntryException ex) {
			// The miss that follows overwrites the entry, so each bad value is reported once.
			logger.warn("llmcache: ignoring an undecodable entry " + key.hash() + " in namespace '" + key.namespace()
					+ "' (" + ex.getMessage() + "); it will be overwritten");
			return null;
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: ignoring an undecodable entry " + key.hash() + " in namespace '" + key.namespace()
					+ "' (" + ex + "); it will be overwritten");
			return null;
		}
	}

	/**
	 * The result of a lookup; carries what a later {@link #put} needs to know.
	 *
	 * @param value the entry found, or null on a miss
	 * @param tier where it was found
	 * @param l2 what Redis reported: generation and stamp, the call's place in the history of the
	 * key; {@link RedisTier.Lookup#UNAVAILABLE} when Redis did not answer or was not asked
	 * @param localGeneration this instance's namespace generation at lookup time
	 */
	public record Lookup(@Nullable CachedValue value, Tier tier, RedisTier.Lookup l2, long localGeneration) {

		public boolean isHit() {
			return this.value != null;
		}

		/** The namespace generation Redis reported, -1 when Redis did not answer. */
		public long l2Generation() {
			return this.l2.available() ? this.l2.generation() : -1;
		}

		/** The same lookup as a miss, for a caller that must not be answered from cache. */
		public Lookup withoutValue() {
			return new Lookup(null, Tier.NONE, this.l2, this.localGeneration);
		}

	}

}
