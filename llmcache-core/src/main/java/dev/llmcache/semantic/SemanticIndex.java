package dev.llmcache.semantic;

import java.util.List;

/**
 * Where the semantic tier finds requests near a new one. Searches never cross buckets.
 *
 * <p>Implementations must be thread-safe.
 *
 * @see InMemorySemanticIndex
 * @see VectorStoreSemanticIndex
 */
public interface SemanticIndex {

	/** Add (or replace, by bucket and hash) an entry. */
	void add(IndexedRequest entry);

	/**
	 * The nearest entries of a bucket, most similar first.
	 * @param bucket the bucket to search
	 * @param text the request text (for indexes that embed themselves)
	 * @param vector its unit-length embedding
	 * @param count how many to return at most
	 * @param minSimilarity lowest cosine similarity returned
	 */
	List<Neighbor> nearest(String bucket, String text, float[] vector, int count, double minSimilarity);

	/**
	 * Add an entry older than every entry held: a replay, newest first. Bounded indexes evict it
	 * before the entries they hold, and before the ones added this way earlier.
	 */
	default void addOlder(IndexedRequest entry) {
		add(entry);
	}

	/**
	 * The entries added with {@link #addOlder} (a replay) are all in: an index may have put off
	 * work until then (the in-process index builds its graphs now, rather than again and again
	 * while the replay adds).
	 */
	default void olderAdded() {
	}

	/** Remove an entry; unknown entries are ignored. */
	void remove(String bucket, String hash);

	/**
	 * An entry answered a request: bounded indexes keep the entries hit recently the longest.
	 * Unknown entries are ignored.
	 */
	default void recordHit(String bucket, String hash) {
	}

	/** Remove expired entries. */
	default void removeExpired(long now) {
	}

	/** Number of entries, for metrics and tests. */
	int size();

	/**
	 * @param entry the entry found
	 * @param similarity its cosine similarity to the request
	 */
	record Neighbor(IndexedRequest entry, double similarity) {
	}

}
