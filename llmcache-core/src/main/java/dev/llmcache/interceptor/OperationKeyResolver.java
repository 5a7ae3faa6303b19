package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmcache.key.CacheKey;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.ModelFingerprints;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;

/**
 * Names the cache entry of an operation for one set of arguments: evaluates its {@code key} and
 * {@code partition} expressions and hands the result to the key generator. Caching and evicting go
 * through the same code, so an eviction always names the entry a call would have used.
 *
 * <p>Thread-safe.
 */
public class OperationKeyResolver {

	private final LlmCacheKeyGenerator keyGenerator;

	private final LlmCacheExpressionEvaluator evaluator;

	private final Map<Method, String[]> parameterNames = new ConcurrentHashMap<>();

	private volatile ModelFingerprints models = ModelFingerprints.NONE;

	public OperationKeyResolver(LlmCacheKeyGenerator keyGenerator, LlmCacheExpressionEvaluator evaluator) {
		this.keyGenerator = keyGenerator;
		this.evaluator = evaluator;
	}

	/** The application's chat models, whose fingerprint goes into every key; none by default. */
	public void setModelFingerprints(ModelFingerprints models) {
		this.models = models;
	}

	public LlmCacheKeyGenerator keyGenerator() {
		return this.keyGenerator;
	}

	/**
	 * @param context the evaluation context of this call (needed only when the operation has SpEL)
	 * @return the key, or null when a partition expression gives no value: such a call must not
	 * share entries with anyone, so it bypasses the cache
	 */
	public @Nullable CacheKey keyFor(KeyedOperation operation, @Nullable Object[] args,
			@Nullable EvaluationContext context) {
		KeyRequest request = requestFor(operation, args, context);
		return (request != null) ? this.keyGenerator.generate(request) : null;
	}

	/** The request the key is built from, for explaining a key. */
	public @Nullable KeyRequest requestFor(KeyedOperation operation, @Nullable Object[] args,
			@Nullable EvaluationContext context) {
		String partition = null;
		if (operation.partition() != null) {
			partition = partitionValue(operation, context);
			if (partition == null) {
				return null;
			}
		}
		List<KeyArgument> arguments;
		if (operation.key() != null) {
			arguments = List.of(new KeyArgument("key", this.evaluator.value(operation.key(), requireContext(context))));
		}
		else {
			String[] names = this.parameterNames.computeIfAbsent(operation.method(), OperationKeyResolver::namesOf);
			arguments = new ArrayList<>(args.length);
			for (int i = 0; i < args.length; i++) {
				arguments.add(new KeyArgument(names[i], args[i]));
			}
		}
		return new KeyRequest(operation.namespace(), partition, operation.normalize(), operation.stripTokens(),
				this.models.fingerprint(operation.chatModel()), operation.method(), arguments);
	}

	private @Nullable String partitionValue(KeyedOperation operation, @Nullable EvaluationContext context) {
		Object value = this.evaluator.value(operation.partition(), requireContext(context));
		if (value == null) {
			return null;
		}
		if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean
				|| value instanceof Character || value instanceof UUID) {
			String text = value.toString();
			return text.isBlank() ? null : text;
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		throw new IllegalStateException("partition of " + LlmCacheOperationSource.describe(operation.method())
				+ " must evaluate to a String, a number or a UUID, not " + value.getClass().getName());
	}

	private static EvaluationContext requireContext(@Nullable EvaluationContext context) {
		if (context == null) {
			throw new IllegalStateException("an evaluation context is required for SpEL attributes");
		}
		return context;
	}

	private static String[] namesOf(Method method) {
		Parameter[] parameters = method.getParameters();
		String[] names = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			names[i] = parameters[i].getName();
		}
		return names;
	}

}
