package dev.llmcache.tier;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmcache.key.CacheKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Invalidations that Redis did not confirm in time, kept in order until they can be replayed. While
 * any is pending, this instance neither reads nor writes Redis: an entry it would read or write
 * there may be one of those the pending invalidations remove.
 *
 * <p>Thread-safe: replays are serialized, and the check that nothing is pending is one volatile
 * read.
 */
final class PendingInvalidations {

	private static final Log logger = LogFactory.getLog(PendingInvalidations.class);

	private final ArrayDeque<Pending> queue = new ArrayDeque<>();

	private final AtomicLong failed = new AtomicLong();

	private volatile int size;

	/** One invalidation: of a key, or of a whole namespace when {@code key} is null. */
	record Pending(@Nullable CacheKey key, String namespace) {

		String describe() {
			return (this.key != null) ? "the eviction of " + this.key.hash() + " in '" + this.namespace + "'"
					: "the clear of namespace '" + this.namespace + "'";
		}

	}

	boolean isEmpty() {
		return this.size == 0;
	}

	int size() {
		return this.size;
	}

	/** How many invalidations Redis did not confirm when they were made. */
	long failed() {
		return this.failed.get();
	}

	synchronized void add(Pending pending) {
		this.failed.incrementAndGet();
		this.queue.add(pending);
		this.size = this.queue.size();
	}

	/**
	 * Replay what is pending, in order, stopping at the first that Redis does not confirm.
	 * @return whether nothing is pending any more
	 */
	synchronized boolean replay(@Nullable RedisTier redis) {
		if (this.queue.isEmpty() || redis == null) {
			return this.queue.isEmpty();
		}
		int replayed = 0;
		while (!this.queue.isEmpty()) {
			Pending next = this.queue.peek();
			boolean confirmed = (next.key() != null) ? redis.evict(next.key()) : redis.clear(next.namespace());
			if (!confirmed) {
				break;
			}
			this.queue.poll();
			replayed++;
		}
		this.size = this.queue.size();
		if (replayed > 0 && this.queue.isEmpty()) {
			logger.info("llmcache: replayed " + replayed + " invalidation(s) Redis had not confirmed; Redis is used "
					+ "again");
		}
		return this.queue.isEmpty();
	}

}
