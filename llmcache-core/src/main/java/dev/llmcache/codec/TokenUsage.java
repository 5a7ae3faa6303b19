package dev.llmcache.codec;

/**
 * Tokens a model call consumed, kept with a cache entry so that a hit can report what it saved.
 *
 * @param inputTokens prompt tokens, 0 when unknown
 * @param outputTokens completion tokens, 0 when unknown
 */
public record TokenUsage(long inputTokens, long outputTokens) {

	public static final TokenUsage UNKNOWN = new TokenUsage(0, 0);

	public long totalTokens() {
		return this.inputTokens + this.outputTokens;
	}

}
