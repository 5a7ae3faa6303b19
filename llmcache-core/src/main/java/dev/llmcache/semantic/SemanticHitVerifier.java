package dev.llmcache.semantic;

/**
 * A further check of a semantic candidate that passed the threshold and the {@link SemanticGuard},
 * for applications that want a stronger one (a cross-encoder, a cheap LLM judge). Called on the
 * caller's thread before a hit is served; a verifier that throws rejects the candidate.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SemanticHitVerifier {

	/** Accepts every candidate the guards let through. */
	SemanticHitVerifier ACCEPT_ALL = (request, cached, similarity) -> true;

	/**
	 * @param request the (normalized) text of the request being answered
	 * @param cached the (normalized) text of the request whose answer would be served
	 * @param similarity their cosine similarity
	 * @return whether the cached answer may answer the request
	 */
	boolean accepts(String request, String cached, double similarity);

}
