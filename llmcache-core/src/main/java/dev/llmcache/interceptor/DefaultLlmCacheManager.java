package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.TieredCache;
import org.springframework.expression.EvaluationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
		List<LlmCachedOperation> found = operations(beanType, methodName, null);
		if (found.size() != 1) {
			throw notFound(beanType, methodName, found.size(), -1);
		}
		return found.get(0).namespace();
	}

	private LlmCachedOperation findOperation(Class<?> beanType, String methodName, Object[] args) {
		List<LlmCachedOperation> found = operations(beanType, methodName, args);
		if (found.size() != 1) {
			throw notFound(beanType, methodName, found.size(), args.length);
		}
		return found.get(0);
	}

	private List<LlmCachedOperation> operations(Class<?> beanType, String methodName, Object[] args) {
		List<LlmCachedOperation> found = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanType)) {
			if (method.getName().equals(methodName) && (args == null || accepts(method, args))
					&& this.operationSource.getOperation(method, beanType) instanceof LlmCachedOperation operation) {
				found.add(operation);
			}
		}
		return found;
	}

	private static boolean accepts(Method method, Object[] args) {
		Class<?>[] types = method.getParameterTypes();
		if (types.length != args.length) {
			return false;
		}
		for (int i = 0; i < types.length; i++) {
			if (!ClassUtils.isAssignableValue(types[i], args[i])) {
				return false;
			}
		}
		return true;
	}

	private static IllegalArgumentException notFound(Class<?> beanType, String methodName, int count, int arity) {
		String which = (arity >= 0) ? " accepting " + arity + " argument(s) of the given types" : "";
		return new IllegalArgumentException(((count == 0) ? "No" : "More than one") + " @LlmCached method '"
				+ methodName + "'" + which + " on " + beanType.getName());
	}

}
