package dev.llmcache.semantic;

import org.jspecify.annotations.Nullable;

/**
 * Hooks of the semantic tier for metrics. A hit that is served, with its similarity, is reported
 * by the engine as {@code Outcome.SEMANTIC_HIT}; these report what the engine does not see.
 * Implementations must be fast, thread-safe and must not throw.
 */
public interface SemanticListener {

	SemanticListener NONE = new SemanticListener() {
	};

	/**
	 * A candidate above the threshold was not served.
	 * @param reason {@code "number"}, {@code "negation"}, {@code "polarity"}, {@code "direction"},
	 * {@code "entity"} (the guards), {@code "verifier"}, or {@code "gone"} (its entry expired or was
	 * evicted)
	 */
	default void rejected(String namespace, double similarity, String reason) {
	}

	/** Shadow mode: a hit would have been served; {@code agreed} tells whether the model answered the same. */
	default void shadowed(String namespace, double similarity, boolean agreed) {
	}

	/** A lookup found no candidate above the threshold. */
	default void noCandidate(String namespace) {
	}

	/**
	 * The embedding model was called for a request of this namespace, to look it up or to index its
	 * answer (not when the text's embedding was already held).
	 * @param model the model the response named, null when it names none
	 * @param inputTokens the tokens the model reported, 0 when it reports none
	 */
	default void embedded(String namespace, @Nullable String model, long inputTokens) {
	}

}
