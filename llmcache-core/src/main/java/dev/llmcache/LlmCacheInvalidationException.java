package dev.llmcache;

/**
 * An invalidation ({@code evict}, {@code clearNamespace}, {@code @LlmCacheEvict}) could not be
 * confirmed by Redis in time. When this is thrown, this instance has already dropped its own L1
 * copy, and it keeps the invalidation pending: it replays it as soon as Redis answers, and reads or
 * writes nothing in Redis before that. Other instances may serve the old value until the
 * invalidation is replayed (see docs/consistency.md).
 */
public class LlmCacheInvalidationException extends RuntimeException {

	public LlmCacheInvalidationException(String message) {
		super(message);
	}

}
