package dev.llmcache.codec;

import org.jspecify.annotations.Nullable;

/**
 * One cache entry as the tiers hold it: the decoded value and what is known about it.
 *
 * <p>Immutable; the {@code value} itself is shared by every caller that hits it, exactly as with
 * Spring's {@code @Cacheable}, so callers must treat cached values as read-only.
 *
 * @param value the method's result
 * @param model the model that produced it, when known
 * @param usage tokens the original call consumed
 * @param createdAt epoch millis of the original call
 * @param expiresAt epoch millis after which the entry must not be served
 * @param generation the namespace generation the entry was written under
 * @param storedBytes size of the encoded entry, used to weigh it in L1
 */
public record CachedValue(Object value, @Nullable String model, TokenUsage usage, long createdAt, long expiresAt,
		long generation, int storedBytes) {

	public long remainingMillis(long now) {
		return this.expiresAt - now;
	}

	public boolean isExpired(long now) {
		return now >= this.expiresAt;
	}

	public long ageMillis(long now) {
		return Math.max(0, now - this.createdAt);
	}

}
