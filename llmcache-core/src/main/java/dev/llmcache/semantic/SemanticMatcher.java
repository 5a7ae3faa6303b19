package dev.llmcache.semantic;

import org.jspecify.annotations.Nullable;

/**
 * The decision the semantic tier makes about one candidate: similarity against the threshold,
 * then the {@link SemanticGuard}, then the {@link SemanticHitVerifier}. The tier and the
 * evaluation runner both go through here, so an evaluation measures what production serves.
 *
 * <p>Thread-safe.
 */
public final class SemanticMatcher {

	private final EmbeddingCache embeddings;

	private final @Nullable SemanticGuard guard;

	private final SemanticHitVerifier verifier;

	/**
	 * @param guard the guards, or null to judge by similarity alone (for comparison only)
	 */
	public SemanticMatcher(EmbeddingCache embeddings, @Nullable SemanticGuard guard, SemanticHitVerifier verifier) {
		this.embeddings = embeddings;
		this.guard = guard;
		this.verifier = verifier;
	}

	public EmbeddingCache embeddings() {
		return this.embeddings;
	}

	/** Cosine similarity of two texts. */
	public double similarity(String a, String b) {
		return EmbeddingCache.dot(this.embeddings.embed(a), this.embeddings.embed(b));
	}

	/**
	 * Whether a candidate at this similarity may answer the request.
	 * @return null if it may, otherwise why not: {@code "threshold"}, a guard's disagreement, or
	 * {@code "verifier"}
	 */
	public @Nullable String rejection(String request, String cached, double similarity, double threshold) {
		if (similarity < threshold) {
			return "threshold";
		}
		if (this.guard != null) {
			String disagreement = this.guard.disagreement(request, cached);
			if (disagreement != null) {
				return disagreement;
			}
		}
		try {
			return this.verifier.accepts(request, cached, similarity) ? null : "verifier";
		}
		catch (RuntimeException ex) {
			return "verifier";
		}
	}

}
