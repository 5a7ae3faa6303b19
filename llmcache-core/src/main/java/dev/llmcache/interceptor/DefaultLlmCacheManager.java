package dev.llmcache.interceptor;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.TieredCache;
import org.springframework.expression.EvaluationContext;

/**
 * The {@link LlmCacheManager} over the interceptor's own operation source, key resolver and tiers,
 * so that an eviction names exactly the entry a call would use. Thread-safe.
 */
public class DefaultLlmCacheManager implements LlmCacheManager {

	private final LlmCacheOperationSource operationSource;

	private final OperationKeyResolver keyResolver;

	private final LlmCacheExpressionEvaluator evaluator;

	private final TieredCache cache;

	public DefaultLlmCacheManager(LlmCacheOperationSource operationSource, OperationKeyResolver keyResolver,
			LlmCacheExpressionEvaluator evaluator, TieredCache cache) {
		this.operationSource = operationSource;
		this.keyResolver = keyResolver;
		this.evaluator = evaluator;
		this.cache = cache;
	}

	@Override
	public CacheKey keyFor(Class<?> beanType, String methodName, Object... args) {
		LlmCachedOperation operation = findOperation(beanType, methodName, args);
		EvaluationContext context = this.evaluator.createContext(operation.method(), args, null, null, false);
		CacheKey key = this.keyResolver.keyFor(operation, args, context);
		if (key == null) {
			throw new IllegalArgumentException("The partition of " + LlmCacheOperationSource.describe(operation.method())
					+ " evaluates to nothing for these arguments: such calls are never cached");
		}
		return key;
	}

	@Override
	public void evict(Class<?> beanType, String methodName, Object... args) {
		evict(keyFor(beanType, methodName, args));
	}

	@Override
	public void evict(CacheKey key) {
		this.cache.evict(key);
	}

	@Override
	public void clearNamespace(String namespace) {
		this.cache.clearNamespace(namespace);
	}

	@Override
	public String namespaceOf(Class<?> beanType, String methodName) {
		return this.operationSource.findCachedOperation(beanType, methodName, null).namespace();
	}

	private LlmCachedOperation findOperation(Class<?> beanType, String methodName, Object[] args) {
		return this.operationSource.findCachedOperation(beanType, methodName, args);
	}

}
