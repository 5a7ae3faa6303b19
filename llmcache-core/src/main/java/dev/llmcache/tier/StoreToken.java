package dev.llmcache.tier;

import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * Taken by a call when it begins, before its lookup, and carried to its store: a store is made
 * only while the token is {@linkplain #isCurrent() current}, that is while no eviction of its key
 * and no clear of its namespace has happened in this JVM since the call began (here, or heard from
 * another instance). A call that begins after an invalidation takes a new token, so it is never
 * refused because of it.
 *
 * <p>It also records what the shared tier reported at lookup: the generation the entry is written
 * under, and whether that tier answered at all (a shared tier that did not answer is not written,
 * since the entry could not be tagged with its generation).
 *
 * <p>Thread-safe: a call may store on another thread than the one that looked up.
 */
public final class StoreToken {

	private final CacheKey key;

	private final long startStamp;

	private final LocalInvalidations invalidations;

	private volatile long sharedGeneration;

	// Fields start at their zero values: a volatile initialised in the constructor costs a store
	// fence on every call, hits included.
	private volatile boolean sharedUnanswered;

	private volatile @Nullable String sharedStamp;

	private volatile boolean refused;

	private volatile boolean replacing;

	StoreToken(CacheKey key, long startStamp, LocalInvalidations invalidations) {
		this.key = key;
		this.startStamp = startStamp;
		this.invalidations = invalidations;
	}

	public CacheKey key() {
		return this.key;
	}

	/** Whether no eviction of the key nor clear of its namespace happened since this token was taken. */
	public boolean isCurrent() {
		return !this.refused && this.invalidations.admits(this.key, this.startStamp);
	}

	/** Whether this call began no later than one holding {@code other}: its view is at most as new. */
	public boolean isOlderThan(StoreToken other) {
		return this.startStamp < other.startStamp;
	}

	/** The namespace generation the shared tier reported at lookup; 0 without a shared tier. */
	public long sharedGeneration() {
		return this.sharedGeneration;
	}

	/** Whether the shared tier answered the lookup (true without a shared tier). */
	public boolean sharedAnswered() {
		return !this.sharedUnanswered;
	}

	/** The key's stamp the shared tier reported at lookup: a store is made only where it is unchanged. */
	public String sharedStamp() {
		String stamp = this.sharedStamp;
		return (stamp != null) ? stamp : "";
	}

	/**
	 * A shared tier refused this call's store: the key was stored, evicted or refreshed since the
	 * call began. No tier stores it then, so that every instance serves what the shared tier holds.
	 */
	public void refuse() {
		this.refused = true;
	}

	/** Whether the store replaces the entry on purpose (a forced refresh): other instances drop theirs. */
	public boolean isReplacing() {
		return this.replacing;
	}

	void replacing(boolean replacing) {
		this.replacing = replacing;
	}

	void sharedRead(Tier.Read read) {
		if (read.answered()) {
			this.sharedStamp = read.stamp();
			this.sharedGeneration = Math.max(read.generation(), 0);
			this.sharedUnanswered = false;
		}
		else {
			this.sharedUnanswered = true;
		}
	}

	@Override
	public String toString() {
		return "StoreToken[" + this.key.hash() + "@" + this.startStamp + "]";
	}

}
