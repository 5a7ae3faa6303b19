package dev.llmcache.key;

import org.springframework.util.Assert;

/**
 * A key together with the caller's tokens behind its placeholders ({@link Placeholders#NONE} when
 * the request strips no tokens).
 *
 * @param key the cache key
 * @param placeholders what this caller's placeholders stand for
 */
public record PlaceholderKey(CacheKey key, Placeholders placeholders) {

	public PlaceholderKey {
		Assert.notNull(key, "key must not be null");
		Assert.notNull(placeholders, "placeholders must not be null");
	}

}
