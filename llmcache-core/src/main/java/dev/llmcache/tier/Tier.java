package dev.llmcache.tier;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * One level of the exact-match cache: L1 in this JVM ({@link LocalTier}), L2 in Redis, or any
 * other store. {@link TieredCache} composes a list of tiers, asked in order; everything a call
 * needs from the cache goes through it, so the engine never knows which tiers exist.
 *
 * <p>The rules every tier follows (checked by the shared contract test suite,
 * {@code AbstractTierTests}):
 * <ul>
 * <li><b>Fail-open.</b> No method throws because the store behind it is down or slow: a lookup that
 * cannot be answered returns {@link Read#UNAVAILABLE}, a store that cannot be made returns false,
 * an eviction or clear that cannot be confirmed returns false ({@link TieredCache} then reports it
 * and replays it).</li>
 * <li><b>Stores carry a token.</b> {@link #store} is refused when the token is no longer
 * {@linkplain StoreToken#isCurrent() current} (an eviction or clear of its key or namespace
 * happened in this JVM after the call began). A tier checks it atomically with its write, so that
 * an eviction that has returned is never undone by a store that began before it.</li>
 * <li><b>Generations.</b> A shared tier reports the generation of the key's namespace with every
 * lookup ({@link Read#generation()}); an entry is served only when written under the current
 * generation. {@link #clear} makes every entry of a namespace unreachable. A tier that keeps no
 * generation (L1) reports {@link Read#NO_GENERATION}; its clears remove the entries.</li>
 * <li><b>Expiry.</b> An entry is never served after its {@link CachedValue#expiresAt()}.</li>
 * </ul>
 *
 * <p>Implementations must be thread-safe.
 */
public interface Tier {

	/** Short lower-case name, for logs and tags: {@code l1}, {@code l2}. */
	String name();

	/**
	 * Whether every instance shares what this tier holds (Redis). A hit on a shared tier back-fills
	 * the tiers before it; a tier that is not shared may miss other instances' invalidations, so
	 * calls that must see the shared state skip it.
	 */
	boolean isShared();

	/**
	 * Look an entry up.
	 * @return what the tier holds: a decoded entry, or its stored bytes for {@link TieredCache} to
	 * decode, and the namespace generation; {@link Read#UNAVAILABLE} when the tier cannot answer
	 */
	Read lookup(CacheKey key);

	/**
	 * The decoded, unexpired entry this tier holds for the key, found without any I/O or blocking,
	 * or null. Only a tier that holds decoded entries in this JVM answers; the default answers
	 * nothing, and the call then goes through {@link #lookup}. It is what lets a hit skip the
	 * bookkeeping only a miss needs (its {@link StoreToken}).
	 */
	default @Nullable CachedValue peek(CacheKey key) {
		return null;
	}

	/**
	 * Store an entry for the call that holds {@code token}, unless the token was revoked.
	 * @param entry the decoded entry, tagged with the generation it is written under
	 * @param bytes its encoded form ({@code entry.storedBytes()} long)
	 * @param ttlMillis how long it lives from now
	 * @return whether it was stored
	 */
	boolean store(CacheKey key, CachedValue entry, byte[] bytes, long ttlMillis, StoreToken token);

	/**
	 * Remove one entry.
	 * @return whether the removal is confirmed; false when the store behind did not answer in time
	 */
	boolean evict(CacheKey key);

	/**
	 * Make every entry of a namespace unreachable.
	 * @return whether it is confirmed; false when the store behind did not answer in time
	 */
	boolean clear(String namespace);

	/**
	 * What a tier holds for a key.
	 *
	 * @param answered whether the tier answered at all
	 * @param value the decoded entry, if the tier holds entries decoded
	 * @param bytes the encoded entry, if the tier holds bytes; null with a null value on a miss
	 * @param generation the namespace's current generation, {@link #NO_GENERATION} for a tier that
	 * keeps none
	 * @param stamp the key's version in a shared tier, changed by every store and eviction of it, which
	 * a store made for this lookup's call must still find (empty when the key has none)
	 */
	record Read(boolean answered, @Nullable CachedValue value, byte @Nullable [] bytes, long generation,
			String stamp) {

		public Read(boolean answered, @Nullable CachedValue value, byte @Nullable [] bytes, long generation) {
			this(answered, value, bytes, generation, "");
		}

		/** The generation of a tier that keeps none: entries are not checked against one. */
		public static final long NO_GENERATION = -1;

		/** The tier did not answer. */
		public static final Read UNAVAILABLE = new Read(false, null, null, NO_GENERATION);

		/** Nothing held, in a tier that keeps no generation. */
		public static final Read MISS = new Read(true, null, null, NO_GENERATION);

		public static Read of(@Nullable CachedValue value) {
			return (value != null) ? new Read(true, value, null, NO_GENERATION) : MISS;
		}

		public boolean isEmpty() {
			return this.value == null && this.bytes == null;
		}

	}

}
