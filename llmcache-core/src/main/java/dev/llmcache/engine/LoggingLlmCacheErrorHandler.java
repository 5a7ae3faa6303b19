package dev.llmcache.engine;

import dev.llmcache.key.CacheKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs cache failures at WARN and lets the call go on. Messages name the namespace and the key
 * hash, never prompt or answer text. Thread-safe.
 */
public class LoggingLlmCacheErrorHandler implements LlmCacheErrorHandler {

	private static final Log logger = LogFactory.getLog(LoggingLlmCacheErrorHandler.class);

	@Override
	public void handleGetError(RuntimeException exception, CacheKey key) {
		logger.warn("llmcache: lookup of " + key.hash() + " in '" + key.namespace() + "' failed; calling the model: "
				+ exception, logger.isDebugEnabled() ? exception : null);
	}

	@Override
	public void handlePutError(RuntimeException exception, CacheKey key) {
		logger.warn("llmcache: storing " + key.hash() + " in '" + key.namespace() + "' failed; the result is "
				+ "returned but not cached: " + exception, logger.isDebugEnabled() ? exception : null);
	}

	@Override
	public void handleEvictError(RuntimeException exception, String namespace) {
		logger.warn("llmcache: eviction in '" + namespace + "' failed: " + exception,
				logger.isDebugEnabled() ? exception : null);
	}

}
