package dev.llmcache.explain;

import java.lang.reflect.Method;
import java.util.List;

import dev.llmcache.interceptor.LlmCacheExpressionEvaluator;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.interceptor.LlmCachedOperation;
import dev.llmcache.interceptor.OperationKeyResolver;
import dev.llmcache.key.CacheKey;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import org.springframework.expression.EvaluationContext;

/**
 * Explains the key of a call of an {@code @LlmCached} method, named as {@code LlmCacheManager}
 * names it: bean type, method name and the same arguments. Goes through the interceptor's own key
 * resolver, so the explanation is exactly what a call would use. Thread-safe.
 */
public class LlmCacheKeyExplainer {

	private final LlmCacheOperationSource operationSource;

	private final OperationKeyResolver keyResolver;

	private final LlmCacheExpressionEvaluator evaluator;

	public LlmCacheKeyExplainer(LlmCacheOperationSource operationSource, OperationKeyResolver keyResolver,
			LlmCacheExpressionEvaluator evaluator) {
		this.operationSource = operationSource;
		this.keyResolver = keyResolver;
		this.evaluator = evaluator;
	}

	/**
	 * @throws IllegalArgumentException if no single {@code @LlmCached} method of that name accepts the arguments
	 */
	public KeyExplanation explain(Class<?> beanType, String methodName, Object... args) {
		LlmCachedOperation operation = findOperation(beanType, methodName, args);
		String method = describe(operation.method());
		EvaluationContext context = this.evaluator.createContext(operation.method(), args, null, null, false);
		KeyRequest request = this.keyResolver.requestFor(operation, args, context);
		if (request == null) {
			return new KeyExplanation(method, operation.namespace(), null, List.of(), operation.normalize(), null, null,
					true);
		}
		CacheKey key = this.keyResolver.keyGenerator().generate(request);
		List<String> fields = request.arguments().stream().map(KeyArgument::name).toList();
		return new KeyExplanation(method, key.namespace(), key.partition(), fields, request.normalize(), key.hash(),
				this.keyResolver.keyGenerator().canonicalForm(request), false);
	}

	private LlmCachedOperation findOperation(Class<?> beanType, String methodName, Object[] args) {
		return this.operationSource.findCachedOperation(beanType, methodName, args);
	}

	private static String describe(Method method) {
		return LlmCacheOperationSource.describe(method);
	}

}
