package dev.llmcache.engine;

import dev.llmcache.codec.CachedValue;
import org.jspecify.annotations.Nullable;

/**
 * The tier consulted after an exact miss for calls that allow it. Implementations must be
 * thread-safe, and must fail open: what they throw is handled as a miss.
 */
public interface SemanticTier {

	/**
	 * Find an entry whose request means the same as this one.
	 * @return the match, or null
	 */
	@Nullable Match find(CachedCall call, SemanticQuery query);

	/** An entry was stored for this call; index it. */
	void stored(CachedCall call, SemanticQuery query, CachedValue entry);

	/**
	 * Shadow mode: the model was called although {@code wouldHaveServed} was found; compare the answers.
	 */
	default void shadowed(CachedCall call, SemanticQuery query, Match wouldHaveServed, @Nullable Object actual) {
	}

	/** Whether hits are only recorded ({@link #shadowed}) and never served. */
	default boolean isShadow() {
		return false;
	}

	/**
	 * A semantic match.
	 *
	 * @param entry the entry found (decoded, not expired)
	 * @param similarity cosine similarity of the two requests
	 */
	record Match(CachedValue entry, double similarity) {
	}

}
