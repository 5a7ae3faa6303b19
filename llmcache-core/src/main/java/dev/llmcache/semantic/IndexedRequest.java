package dev.llmcache.semantic;

import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the semantic index: the request text an entry was stored for, its embedding, and
 * the exact-match key that holds the answer.
 *
 * @param bucket the compatibility bucket (see {@code SemanticQuery#bucket()})
 * @param namespace namespace of the entry
 * @param partition partition of the entry, or null
 * @param hash hash of the entry's {@link CacheKey}; unique in a bucket
 * @param text normalized text of the last user message
 * @param vector unit-length embedding of {@code text}
 * @param expiresAt epoch millis after which the entry is gone
 */
public record IndexedRequest(String bucket, String namespace, @Nullable String partition, String hash, String text,
		float[] vector, long expiresAt) {

	public CacheKey key() {
		return new CacheKey(this.namespace, this.partition, this.hash);
	}

	public boolean isExpired(long now) {
		return now >= this.expiresAt;
	}

}
