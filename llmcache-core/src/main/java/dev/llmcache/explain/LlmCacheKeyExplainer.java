package dev.llmcache.explain;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import dev.llmcache.interceptor.LlmCacheExpressionEvaluator;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.interceptor.LlmCachedOperation;
import dev.llmcache.interceptor.OperationKeyResolver;
import dev.llmcache.key.CacheKey;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import org.springframework.expression.EvaluationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
		List<LlmCachedOperation> found = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanType)) {
			if (method.getName().equals(methodName) && accepts(method, args)
					&& this.operationSource.getOperation(method, beanType) instanceof LlmCachedOperation operation) {
				found.add(operation);
			}
		}
		if (found.size() != 1) {
			throw new IllegalArgumentException(((found.isEmpty()) ? "No" : "More than one") + " @LlmCached method '"
					+ methodName + "' accepting " + args.length + " argument(s) of the given types on "
					+ beanType.getName());
		}
		return found.get(0);
	}

	private static String describe(Method method) {
		StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.')
			.append(method.getName()).append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
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

}
