package dev.llmcache.tier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

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
 * The exact-match tiers, asked in order (typically L1 in this JVM, then L2 in Redis). A hit on a
 * shared tier back-fills the tiers before it with the entry's remaining lifetime; a store writes
 * every tier; an eviction or clear reaches every tier and, through the
 * {@link InvalidationBroadcaster}, the local tiers of every other instance.
 *
 * <p>The consistency rules live here, once for every tier: a call takes a {@link StoreToken} when
 * it begins ({@link #begin}, or implicitly with {@link #get}); its store is refused when an
 * eviction of its key or a clear of its namespace happened in this JVM after that; the entry is
 * tagged with the namespace generation the shared tier reported at lookup, and is not written to a
 * shared tier that did not answer then. Values are encoded and decoded here, once.
 *
 * <p>Any tier may be absent: with no tier at all every call misses. Thread-safe.
 */
public final class TieredCache {

	private static final Log logger = LogFactory.getLog(TieredCache.class);

	private final List<Tier> tiers;

	private final LlmCacheSerializer serializer;

	private final double ttlJitter;

	private final LocalInvalidations invalidations = new LocalInvalidations();

	private final PendingInvalidations pending = new PendingInvalidations();

	private volatile InvalidationBroadcaster broadcaster = InvalidationBroadcaster.NONE;

	private volatile long maxValueBytes = Long.MAX_VALUE;

	private volatile boolean localReadable = true;

	private final AtomicLong oversized = new AtomicLong();

	/**
	 * @param tiers the tiers in the order they are asked, each at most once
	 * @param serializer the stored format
	 * @param ttlJitter fraction in [0, 1) by which an entry's lifetime is shortened at random, so that
	 * entries written together do not expire together
	 */
	public TieredCache(List<? extends Tier> tiers, LlmCacheSerializer serializer, double ttlJitter) {
		if (ttlJitter < 0 || ttlJitter >= 1) {
			throw new IllegalArgumentException("llmcache.redis.ttl-jitter must be in [0, 1), got " + ttlJitter);
		}
		this.tiers = List.copyOf(tiers);
		this.serializer = serializer;
		this.ttlJitter = ttlJitter;
	}

	/**
	 * Two tiers, either of which may be absent.
	 * @param local L1, or null to run without it
	 * @param shared L2, or null to run without it
	 */
	public TieredCache(@Nullable Tier local, @Nullable Tier shared, LlmCacheSerializer serializer, double ttlJitter) {
		this(java.util.stream.Stream.of(local, shared).filter(java.util.Objects::nonNull).toList(), serializer,
				ttlJitter);
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
	 * Whether the local tiers may answer. An instance whose L1 may be missing other instances'
	 * invalidations (it has not yet subscribed to them) reads the shared tier instead; L1 is still
	 * written.
	 */
	public void setLocalReadable(boolean localReadable) {
		this.localReadable = localReadable;
	}

	/** Where evictions and clears are announced to other instances; none by default. */
	public void setBroadcaster(InvalidationBroadcaster broadcaster) {
		this.broadcaster = broadcaster;
	}

	/** The token of a call beginning now; see {@link StoreToken}. */
	public StoreToken begin(CacheKey key) {
		return new StoreToken(key, this.invalidations.now(), this.invalidations);
	}

	/**
	 * The entry the tiers of this JVM hold for the key, when they may answer; null otherwise. It
	 * takes no {@link StoreToken}: a hit stores nothing, so it needs no place among invalidations.
	 * A null answer decides nothing; the call then takes its token and looks up every tier with
	 * {@link #get(CacheKey, ValueType, boolean, StoreToken)}.
	 */
	public @Nullable CachedValue peekLocal(CacheKey key) {
		if (!this.localReadable) {
			return null;
		}
		for (int i = 0; i < this.tiers.size(); i++) {
			Tier tier = this.tiers.get(i);
			if (tier.isShared()) {
				return null;
			}
			CachedValue value = tier.peek(key);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	/**
	 * Look the key up in every tier in order, for a call beginning now.
	 * @param readLocal whether tiers that are not shared may answer (false for calls that must see
	 * the shared state)
	 */
	public Lookup get(CacheKey key, ValueType type, boolean readLocal) {
		return get(key, type, readLocal, begin(key));
	}

	/**
	 * Look the key up again for a call that began earlier, keeping its token (and so its place
	 * before any invalidation since).
	 */
	public Lookup get(CacheKey key, ValueType type, boolean readLocal, StoreToken token) {
		long now = 0;
		for (int i = 0; i < this.tiers.size(); i++) {
			Tier tier = this.tiers.get(i);
			if (!tier.isShared() && !(readLocal && this.localReadable)) {
				continue;
			}
			if (tier.isShared() && !this.pending.isEmpty() && !this.pending.replay()) {
				// It may still hold what the pending invalidations remove: not read until they land.
				token.sharedRead(Tier.Read.UNAVAILABLE);
				continue;
			}
			Tier.Read read = tier.lookup(key);
			if (tier.isShared()) {
				token.sharedRead(read);
			}
			if (!read.answered() || read.isEmpty()) {
				continue;
			}
			CachedValue value = (read.value() != null) ? read.value() : decode(key, type, read.bytes());
			if (now == 0) {
				now = System.currentTimeMillis();
			}
			if (value == null || value.isExpired(now)
					|| (read.generation() != Tier.Read.NO_GENERATION && value.generation() != read.generation())) {
				continue;
			}
			if (tier.isShared()) {
				backFill(i, key, value, read.bytes(), now, token);
			}
			return new Lookup(value, tier, token);
		}
		return new Lookup(null, null, token);
	}

	private void backFill(int upTo, CacheKey key, CachedValue value, byte @Nullable [] bytes, long now,
			StoreToken token) {
		for (int i = 0; i < upTo; i++) {
			Tier before = this.tiers.get(i);
			if (!before.isShared() && bytes != null) {
				before.store(key, value, bytes, value.remainingMillis(now), token);
			}
		}
	}

	/**
	 * Store a value the model produced after {@code lookup} missed.
	 * @return the stored entry, or null when nothing was stored: an invalidation since the call
	 * began made it stale, or it exceeds the maximum size
	 * @throws RuntimeException if the value cannot be serialized; nothing is stored then
	 */
	public @Nullable CachedValue put(CacheKey key, ValueType type, Object value, @Nullable String model,
			TokenUsage usage, Duration ttl, Lookup lookup) {
		return put(key, type, value, model, usage, ttl, lookup, false);
	}

	/**
	 * Store a value the model produced after {@code lookup} missed, or one that replaces the entry on
	 * purpose ({@code replaces}: a forced refresh, whose store the other instances hear of).
	 * @return the stored entry, or null when nothing was stored: an invalidation or another store of
	 * the key since the call began made it stale, or it exceeds the maximum size
	 * @throws RuntimeException if the value cannot be serialized; nothing is stored then
	 */
	public @Nullable CachedValue put(CacheKey key, ValueType type, Object value, @Nullable String model,
			TokenUsage usage, Duration ttl, Lookup lookup, boolean replaces) {
		StoreToken token = lookup.token();
		token.replacing(replaces);
		if (!token.isCurrent()) {
			if (logger.isDebugEnabled()) {
				logger.debug("llmcache: not storing " + key.hash() + " in '" + key.namespace()
						+ "': it was evicted or its namespace cleared while the call was in flight");
			}
			return null;
		}
		long now = System.currentTimeMillis();
		long lifetime = jittered(ttl.toMillis());
		long generation = token.sharedGeneration();
		CachedValue entry = new CachedValue(value, model, usage, now, now + lifetime, generation, 0);
		byte[] bytes = this.serializer.serialize(entry, type, key);
		if (bytes.length > this.maxValueBytes) {
			this.oversized.incrementAndGet();
			logger.debug("llmcache: not storing a " + bytes.length + "-byte entry in '" + key.namespace()
					+ "': above the maximum of " + this.maxValueBytes);
			return null;
		}
		entry = new CachedValue(value, model, usage, now, now + lifetime, generation, bytes.length);
		boolean storedAnywhere = false;
		// Shared tiers first, so that an instance hearing of the entry finds it there.
		for (int i = this.tiers.size() - 1; i >= 0; i--) {
			Tier tier = this.tiers.get(i);
			if (tier.isShared() && (!token.sharedAnswered() || !this.pending.isEmpty())) {
				continue;
			}
			// A shared tier that refuses (a newer store or an invalidation came first) revokes the
			// token, so the local tiers do not keep what no other instance will serve.
			storedAnywhere |= tier.store(key, entry, bytes, lifetime, token);
		}
		if (replaces && storedAnywhere && !isShared()) {
			this.broadcaster.evicted(key);
		}
		return (storedAnywhere || this.tiers.isEmpty()) ? entry : null;
	}

	/**
	 * Remove one entry from every tier, and from the local tiers of every other instance.
	 * @throws LlmCacheInvalidationException when a shared tier did not confirm it in time: this
	 * instance's copy is gone, and the eviction is pending, replayed before the shared tier is read again
	 */
	public void evict(CacheKey key) {
		this.invalidations.evicted(key);
		evictLocalTiers(key);
		PendingInvalidations.Pending unconfirmed = null;
		for (Tier tier : this.tiers) {
			if (tier.isShared()) {
				PendingInvalidations.Pending invalidation = new PendingInvalidations.Pending(tier, key, key.namespace());
				if (!this.pending.run(invalidation)) {
					unconfirmed = invalidation;
				}
			}
		}
		// Calls that read a shared tier while the eviction was under way are refused too.
		this.invalidations.evicted(key);
		evictLocalTiers(key);
		this.broadcaster.evicted(key);
		if (unconfirmed != null) {
			throw unconfirmed(unconfirmed);
		}
	}

	private void evictLocalTiers(CacheKey key) {
		for (Tier tier : this.tiers) {
			if (!tier.isShared()) {
				tier.evict(key);
			}
		}
	}

	/**
	 * A forced refresh of the key begins: the entry is evicted everywhere first, so that no call that
	 * began before the refresh can store or serve its answer after it, whichever store comes first.
	 * Never throws: a refresh that Redis could not invalidate goes on (the eviction is pending, and was
	 * reported with a WARN).
	 */
	public void refreshing(CacheKey key) {
		try {
			evict(key);
		}
		catch (LlmCacheInvalidationException ex) {
			// Reported where it was raised; the refreshed answer is still the caller's.
		}
	}

	/** An entry was replaced on purpose (a forced refresh) without a shared tier to announce it. */
	public void overwritten(CacheKey key) {
		if (!isShared()) {
			this.broadcaster.evicted(key);
		}
	}

	private LlmCacheInvalidationException unconfirmed(PendingInvalidations.Pending invalidation) {
		String tier = invalidation.tier().name();
		String message = "llmcache: " + invalidation.describe() + " was not confirmed by " + tier
				+ " in time; this instance dropped its own copy and replays the "
				+ ((invalidation.key() != null) ? "eviction" : "clear") + " when " + tier + " answers, before it reads "
				+ tier + " again";
		logger.warn(message);
		return new LlmCacheInvalidationException(message);
	}

	/** How many invalidations a shared tier did not confirm when they were made. */
	public long unconfirmedInvalidations() {
		return this.pending.unconfirmed();
	}

	/** How many invalidations wait to be replayed. */
	public int pendingInvalidations() {
		return this.pending.size();
	}

	/**
	 * Replay the pending invalidations now, if the shared tier answers.
	 * @return whether nothing is pending any more
	 */
	public boolean replayPendingInvalidations() {
		return this.pending.isEmpty() || this.pending.replay();
	}

	/** Apply another instance's eviction to this instance's local tiers only. */
	public void evictLocally(CacheKey key) {
		this.invalidations.evicted(key);
		for (Tier tier : this.tiers) {
			if (!tier.isShared()) {
				tier.evict(key);
			}
		}
	}

	/** Apply another instance's namespace clear to this instance only. */
	public void clearNamespaceLocally(String namespace) {
		this.invalidations.cleared(namespace);
		for (Tier tier : this.tiers) {
			if (!tier.isShared()) {
				tier.clear(namespace);
			}
		}
	}

	/** Forget everything held in this instance's L1, for when invalidations may have been missed. */
	public void clearLocal() {
		LocalTier local = local();
		if (local != null) {
			local.invalidateAll();
		}
	}

	/**
	 * Make every entry of a namespace unreachable: O(1) in Redis, a sweep of this instance's L1.
	 * @throws LlmCacheInvalidationException when a shared tier did not confirm it in time: this
	 * instance's copies are gone, and the clear is pending, replayed before the shared tier is read again
	 */
	public void clearNamespace(String namespace) {
		clearNamespaceLocally(namespace);
		PendingInvalidations.Pending unconfirmed = null;
		for (Tier tier : this.tiers) {
			if (tier.isShared()) {
				PendingInvalidations.Pending invalidation = new PendingInvalidations.Pending(tier, null, namespace);
				if (!this.pending.run(invalidation)) {
					unconfirmed = invalidation;
				}
			}
		}
		// Calls that read a shared tier while the clear was under way are refused too.
		clearNamespaceLocally(namespace);
		this.broadcaster.cleared(namespace);
		if (unconfirmed != null) {
			throw unconfirmed(unconfirmed);
		}
	}

	/** The tiers in the order they are asked. */
	public List<Tier> tiers() {
		return this.tiers;
	}

	/** The first tier of a type, or null. */
	public <T extends Tier> @Nullable T tier(Class<T> type) {
		for (Tier tier : this.tiers) {
			if (type.isInstance(tier)) {
				return type.cast(tier);
			}
		}
		return null;
	}

	/** L1, or null when it is not among the tiers. */
	public @Nullable LocalTier local() {
		return tier(LocalTier.class);
	}

	/** Whether a tier shared by every instance is among the tiers. */
	public boolean isShared() {
		return this.tiers.stream().anyMatch(Tier::isShared);
	}

	private long jittered(long ttlMillis) {
		if (this.ttlJitter == 0) {
			return ttlMillis;
		}
		return ttlMillis - (long) (ttlMillis * this.ttlJitter * ThreadLocalRandom.current().nextDouble());
	}

	private @Nullable CachedValue decode(CacheKey key, ValueType type, byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
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
	 * The result of a lookup; carries the call's token to its store.
	 *
	 * @param value the entry found, or null on a miss
	 * @param tier the tier that answered, null on a miss
	 * @param token the call's token
	 */
	public record Lookup(@Nullable CachedValue value, @Nullable Tier tier, StoreToken token) {

		public boolean isHit() {
			return this.value != null;
		}

		/** Whether the hit came from a tier shared by every instance. */
		public boolean isSharedHit() {
			return this.tier != null && this.tier.isShared();
		}

		/**
		 * Whether the miss is certain: every shared tier answered (or there is none), so an entry
		 * that is not found is gone rather than unreachable.
		 */
		public boolean isConclusive() {
			return this.token.sharedAnswered();
		}

		/** The same lookup as a miss, for a caller that must not be answered from cache. */
		public Lookup withoutValue() {
			return new Lookup(null, null, this.token);
		}

	}

}
