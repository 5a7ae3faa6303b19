package dev.llmcache.engine;

import dev.llmcache.key.CacheKey;

/**
 * Decides what happens when the cache itself fails during a call, in the manner of Spring's
 * {@code CacheErrorHandler}. Redis outages never reach it: the Redis tier fails open by itself.
 * What reaches it is the unexpected (a value that cannot be serialized, a bug in a custom tier).
 *
 * <p>The default, {@link LoggingLlmCacheErrorHandler}, logs and lets the call go on, so that a cache
 * failure never turns a working call into a failing one. An implementation may rethrow to fail
 * calls instead. Implementations must be thread-safe.
 */
public interface LlmCacheErrorHandler {

	/** Reading failed; the call goes on as a miss unless this throws. */
	void handleGetError(RuntimeException exception, CacheKey key);

	/** Storing a result failed; the caller still gets the result unless this throws. */
	void handlePutError(RuntimeException exception, CacheKey key);

	/** Evicting or clearing failed. */
	void handleEvictError(RuntimeException exception, String namespace);

}
