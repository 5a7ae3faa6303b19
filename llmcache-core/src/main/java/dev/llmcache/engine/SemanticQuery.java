package dev.llmcache.engine;

/**
 * What the semantic tier needs to look for a differently worded request with the same meaning.
 *
 * @param bucket fingerprint of everything but the text of the last user message (namespace,
 * partition, system prompt, earlier history, model, options, tools): a semantic hit never crosses buckets
 * @param text the (normalized) text of the last user message
 * @param threshold lowest cosine similarity in [0, 1] a candidate may have
 * @param candidates how many nearest entries are checked against the guards
 */
public record SemanticQuery(String bucket, String text, double threshold, int candidates) {

	public SemanticQuery {
		if (!(threshold >= 0 && threshold <= 1)) {
			throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
		}
		if (candidates < 1) {
			throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
		}
	}

	public SemanticQuery withThreshold(double threshold) {
		return new SemanticQuery(this.bucket, this.text, threshold, this.candidates);
	}

}
