package dev.llmcache.tier;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmcache.key.CacheKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Invalidations that a shared tier did not confirm in time, kept in order until they can be
 * replayed. While any is pending, this instance neither reads nor writes the shared tiers: an entry
 * it would read or write there may be one of those the pending invalidations remove.
 *
 * <p>Thread-safe: replays are serialized, and the check that nothing is pending is one volatile
 * read.
 */
final class PendingInvalidations {

	private static final Log logger = LogFactory.getLog(PendingInvalidations.class);

	private final ArrayDeque<Pending> queue = new ArrayDeque<>();

	private final AtomicLong unconfirmed = new AtomicLong();

	private volatile int size;

	/** One invalidation of one tier: of a key, or of a whole namespace when {@code key} is null. */
	record Pending(Tier tier, @Nullable CacheKey key, String namespace) {

		String describe() {
			return (this.key != null) ? "the eviction of " + this.key.hash() + " in '" + this.namespace + "'"
					: "the clear of namespace '" + this.namespace + "'";
		}

		boolean replay() {
			return (this.key != null) ? this.tier.evict(this.key) : this.tier.clear(this.namespace);
		}

	}

	boolean isEmpty() {
		return this.size == 0;
	}

	int size() {
		return this.size;
	}

	/** How many invalidations a shared tier did not confirm when they were made. */
	long unconfirmed() {
		return this.unconfirmed.get();
	}

	/**
	 * Make an invalidation behind those pending, so that they land in the order they were made.
	 * @return whether it was confirmed; if not, it is pending now
	 */
	synchronized boolean run(Pending invalidation) {
		if (replay() && invalidation.replay()) {
			return true;
		}
		this.unconfirmed.incrementAndGet();
		this.queue.add(invalidation);
		this.size = this.queue.size();
		return false;
	}

	/**
	 * Replay what is pending, in order, stopping at the first that is not confirmed.
	 * @return whether nothing is pending any more
	 */
	synchronized boolean replay() {
		int replayed = 0;
		while (!this.queue.isEmpty()) {
			if (!this.queue.peek().replay()) {
				break;
			}
			this.queue.poll();
			replayed++;
		}
		this.size = this.queue.size();
		if (replayed > 0 && this.queue.isEmpty()) {
			logger.info("llmcache: replayed " + replayed + " invalidation(s) Redis had not confirmed; the shared tier "
					+ "is used again");
		}
		return this.queue.isEmpty();
	}

}
