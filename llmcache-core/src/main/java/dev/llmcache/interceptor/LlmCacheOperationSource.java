package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.Placeholders;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the llmcache annotation of a method and resolves it into an operation, once per method
 * and target class. Everything that can be wrong with an annotation is found here, when the proxy
 * is created, so that a mistake stops the application at startup with a message naming the method.
 *
 * <p>Thread-safe.
 */
public class LlmCacheOperationSource {

	private static final Object NONE = new Object();

	private final Map<MethodClassKey, Object> operations = new ConcurrentHashMap<>();

	private final LlmCacheDefaults defaults;

	private final LlmCacheExpressionEvaluator evaluator;

	private final LlmCacheKeyGenerator keyGenerator;

	private volatile boolean semanticAvailable;

	private volatile boolean stripTokensByDefault;

	private volatile java.util.@Nullable Set<String> chatModelNames;

	public LlmCacheOperationSource(LlmCacheDefaults defaults, LlmCacheExpressionEvaluator evaluator,
			LlmCacheKeyGenerator keyGenerator) {
		this.defaults = defaults;
		this.evaluator = evaluator;
		this.keyGenerator = keyGenerator;
	}

	/** Whether {@code semantic = true} has a tier to go to; without one it fails at startup. */
	public void setSemanticAvailable(boolean semanticAvailable) {
		this.semanticAvailable = semanticAvailable;
	}

	/**
	 * Whether every method whose result type allows it strips dynamic tokens into placeholders
	 * ({@code llmcache.normalize.strip-tokens}); others are left unstripped.
	 */
	public void setStripTokensByDefault(boolean stripTokensByDefault) {
		this.stripTokensByDefault = stripTokensByDefault;
	}

	/**
	 * The bean names of the application's chat models, against which {@code chatModel} attributes
	 * are checked at startup; null (the default) checks nothing.
	 */
	public void setChatModelNames(java.util.@Nullable Set<String> chatModelNames) {
		this.chatModelNames = chatModelNames;
	}

	/** Whether the method, or the interface method it implements, carries an llmcache annotation. */
	public boolean hasOperation(Method method, @Nullable Class<?> targetClass) {
		return getOperation(method, targetClass) != null;
	}

	/**
	 * @return the resolved operation: an {@link LlmCachedOperation}, an {@link LlmCacheEvictOperation},
	 * or null if the method is not annotated
	 * @throws IllegalStateException if the annotation is invalid for this method
	 */
	public @Nullable KeyedOperation getOperation(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Object cached = this.operations.get(cacheKey);
		if (cached == null) {
			KeyedOperation resolved = resolve(method, targetClass);
			cached = (resolved != null) ? resolved : NONE;
			this.operations.putIfAbsent(cacheKey, cached);
		}
		return (cached != NONE) ? (KeyedOperation) cached : null;
	}

	private @Nullable KeyedOperation resolve(Method method, @Nullable Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		MergedAnnotation<LlmCacheEvict> evict = findOnMethod(specific, method, LlmCacheEvict.class);
		MergedAnnotation<LlmCached> cached = findOnMethod(specific, method, LlmCached.class);
		if (cached.isPresent() && evict.isPresent()) {
			throw new IllegalStateException(describe(specific) + " has both @LlmCached and @LlmCacheEvict; "
					+ "put them on different methods");
		}
		if (cached.isPresent()) {
			return cachedOperation(specific, declaringMethod(cached, specific), cached.synthesize());
		}
		return evict.isPresent() ? evictOperation(specific, evict.synthesize()) : null;
	}

	private static <A extends java.lang.annotation.Annotation> MergedAnnotation<A> findOnMethod(Method specific,
			Method original, Class<A> type) {
		MergedAnnotation<A> found = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY).get(type);
		if (!found.isPresent() && specific != original) {
			found = MergedAnnotations.from(original, SearchStrategy.TYPE_HIERARCHY).get(type);
		}
		return found;
	}

	/** The method the annotation is written on: an interface's, when the class inherits it from there. */
	private static Method declaringMethod(MergedAnnotation<?> annotation, Method fallback) {
		return (annotation.getSource() instanceof Method source) ? source : fallback;
	}

	private LlmCachedOperation cachedOperation(Method method, Method annotated, LlmCached annotation) {
		ReturnKind returnKind = returnKind(method);
		ValueType valueType = valueType(method, returnKind);
		if (annotation.semantic() && !this.semanticAvailable) {
			throw new IllegalStateException(describe(method) + " sets @LlmCached(semantic = true), but no semantic "
					+ "tier is configured: add a Spring AI EmbeddingModel bean (dev.llmcache:llmcache-embedding-onnx "
					+ "provides an offline one), or remove semantic = true");
		}
		String namespace = StringUtils.hasText(annotation.namespace()) ? annotation.namespace().trim()
				: defaultNamespace(annotated);
		Duration ttl = parseTtl(annotation.ttl(), method);
		double maxTemperature = annotation.maxTemperature();
		if (Double.isNaN(maxTemperature)) {
			throw new IllegalStateException(describe(method) + " has maxTemperature = NaN");
		}
		if (maxTemperature < 0) {
			maxTemperature = this.defaults.maxTemperature();
		}
		LlmCachedOperation operation = new LlmCachedOperation(method, namespace, ttl, annotation.normalize(),
				annotation.semantic(), this.evaluator.parse(annotation.key(), "key", method),
				this.evaluator.parse(annotation.partition(), "partition", method),
				this.evaluator.parse(annotation.condition(), "condition", method),
				this.evaluator.parse(annotation.unless(), "unless", method), maxTemperature, valueType, returnKind,
				similarityThreshold(annotation, method), candidates(annotation, method),
				stripTokens(annotation, method, returnKind, valueType), chatModel(annotation, method));
		if (this.defaults.requirePartition() && operation.partition() == null) {
			throw new IllegalStateException(describe(method) + " has no partition, but llmcache.require-partition=true: "
					+ "set @LlmCached(partition = \"...\") so that tenants never share entries");
		}
		if (operation.key() == null) {
			this.keyGenerator.validate(method);
		}
		return operation;
	}

	/**
	 * Placeholders are substituted in String and ChatResponse results, whole: a stream could split
	 * a token between chunks, and other types hold text where substitution cannot reach.
	 */
	private boolean stripTokens(LlmCached annotation, Method method, ReturnKind returnKind, ValueType valueType) {
		boolean substitutable = Placeholders.supports(valueType.rawType()) && returnKind != ReturnKind.FLUX_OF_STRING
				&& returnKind != ReturnKind.FLUX_OF_CHAT_RESPONSE;
		if (annotation.stripTokens()) {
			if (!annotation.normalize()) {
				throw new IllegalStateException(describe(method) + " sets stripTokens = true with normalize = false: "
						+ "tokens are stripped as part of normalization; remove one of them");
			}
			if (!substitutable) {
				throw new IllegalStateException(describe(method) + " sets @LlmCached(stripTokens = true), but returns "
						+ method.getGenericReturnType().getTypeName() + ": the caller's tokens can be put back only "
						+ "into a String or ChatResponse result (plain, CompletableFuture or Mono); remove stripTokens");
			}
			return true;
		}
		return this.stripTokensByDefault && substitutable && annotation.normalize();
	}

	private @Nullable String chatModel(LlmCached annotation, Method method) {
		if (!StringUtils.hasText(annotation.chatModel())) {
			return null;
		}
		String name = annotation.chatModel().trim();
		java.util.Set<String> names = this.chatModelNames;
		if (names != null && !names.contains(name)) {
			throw new IllegalStateException(describe(method) + " sets @LlmCached(chatModel = \"" + name
					+ "\"), but the application's ChatModel beans are " + new java.util.TreeSet<>(names));
		}
		return name;
	}

	private static double similarityThreshold(LlmCached annotation, Method method) {
		double threshold = annotation.similarityThreshold();
		if (Double.isNaN(threshold) || threshold > 1 || (threshold < 0 && threshold != -1)) {
			throw new IllegalStateException(describe(method) + " has similarityThreshold = " + threshold
					+ ": it must be a cosine similarity in [0, 1] (or -1 for llmcache.semantic.threshold)");
		}
		return threshold;
	}

	private static int candidates(LlmCached annotation, Method method) {
		if (annotation.candidates() < 0) {
			throw new IllegalStateException(describe(method) + " has candidates = " + annotation.candidates()
					+ ": it must be at least 1 (or 0 for llmcache.semantic.candidates)");
		}
		return annotation.candidates();
	}

	private LlmCacheEvictOperation evictOperation(Method method, LlmCacheEvict annotation) {
		if (!StringUtils.hasText(annotation.namespace())) {
			throw new IllegalStateException(describe(method) + " has @LlmCacheEvict without a namespace");
		}
		LlmCacheEvictOperation operation = new LlmCacheEvictOperation(method, annotation.namespace().trim(),
				annotation.normalize(), this.evaluator.parse(annotation.key(), "key", method),
				this.evaluator.parse(annotation.partition(), "partition", method),
				this.evaluator.parse(annotation.condition(), "condition", method), annotation.allEntries(),
				annotation.beforeInvocation());
		if (!operation.allEntries() && operation.key() == null) {
			this.keyGenerator.validate(method);
		}
		return operation;
	}

	private static ReturnKind returnKind(Method method) {
		Class<?> type = method.getReturnType();
		if (type == void.class || type == Void.class) {
			throw new IllegalStateException(describe(method) + " returns void: @LlmCached has nothing to cache");
		}
		if (type == CompletableFuture.class || type == CompletionStage.class) {
			return ReturnKind.FUTURE;
		}
		if (isReactorType(type, "reactor.core.publisher.Mono")) {
			return ReturnKind.MONO;
		}
		if (isReactorType(type, "reactor.core.publisher.Flux")) {
			Class<?> element = ResolvableType.forMethodReturnType(method).getGeneric(0).resolve(Object.class);
			if (element == String.class) {
				return ReturnKind.FLUX_OF_STRING;
			}
			if (ChatResponse.class.isAssignableFrom(element)) {
				return ReturnKind.FLUX_OF_CHAT_RESPONSE;
			}
			throw new IllegalStateException(describe(method) + " returns Flux<" + element.getSimpleName()
					+ ">: a stream is cached as Flux<String> or Flux<ChatResponse> only");
		}
		if (Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type) || isReactive(type)
				|| BaseStream.class.isAssignableFrom(type)) {
			throw new IllegalStateException(describe(method) + " returns " + type.getName()
					+ ": @LlmCached supports CompletableFuture, Mono and Flux among asynchronous types; "
					+ "return one of those or the value itself");
		}
		return ReturnKind.VALUE;
	}

	private static ValueType valueType(Method method, ReturnKind kind) {
		java.lang.reflect.Type type = (kind == ReturnKind.VALUE) ? method.getGenericReturnType()
				: ResolvableType.forMethodReturnType(method).getGeneric(0).getType();
		Class<?> raw = ResolvableType.forType(type).resolve(Object.class);
		if (raw == Object.class || raw == Optional.class || raw == Void.class) {
			throw new IllegalStateException(describe(method) + " returns " + ResolvableType.forMethodReturnType(method)
					+ ": declare the concrete type @LlmCached should store and read back");
		}
		return ValueType.of(type);
	}

	private static boolean isReactorType(Class<?> type, String name) {
		return type.getName().equals(name);
	}

	private static boolean isReactive(Class<?> type) {
		ClassLoader loader = type.getClassLoader();
		String publisher = "org.reactivestreams.Publisher";
		return ClassUtils.isPresent(publisher, loader)
				&& ClassUtils.resolveClassName(publisher, loader).isAssignableFrom(type);
	}

	private Duration parseTtl(String text, Method method) {
		if (!StringUtils.hasText(text)) {
			return this.defaults.ttl();
		}
		String trimmed = text.trim();
		Duration ttl;
		try {
			ttl = trimmed.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(trimmed))
					: Duration.parse(trimmed);
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			throw new IllegalStateException(describe(method) + " has ttl = \"" + text
					+ "\": use an ISO-8601 duration such as PT10M or a number of seconds", ex);
		}
		if (ttl.isZero() || ttl.isNegative()) {
			throw new IllegalStateException(describe(method) + " has ttl = \"" + text + "\": it must be positive");
		}
		return ttl;
	}

	/**
	 * The namespace of a method whose annotation names none: the class and signature of the method
	 * the annotation is written on (so a proxy, the interface and the class all agree), which stay
	 * the same across runs and tell overloads apart.
	 */
	public static String defaultNamespace(Method method) {
		StringBuilder name = new StringBuilder(method.getDeclaringClass().getName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			name.append((i > 0) ? "," : "").append(types[i].getSimpleName());
		}
		return name.append(')').toString();
	}

	/**
	 * The {@code @LlmCached} operation a call of {@code beanType.methodName(args)} uses, found the way
	 * {@code LlmCacheManager} names entries.
	 * @param args the arguments, or null to match by name alone
	 * @throws IllegalArgumentException if not exactly one such method exists
	 */
	public LlmCachedOperation findCachedOperation(Class<?> beanType, String methodName, @Nullable Object[] args) {
		java.util.List<LlmCachedOperation> found = new java.util.ArrayList<>();
		for (Method method : org.springframework.util.ReflectionUtils.getUniqueDeclaredMethods(beanType)) {
			if (method.getName().equals(methodName) && (args == null || accepts(method, args))
					&& getOperation(method, beanType) instanceof LlmCachedOperation operation) {
				found.add(operation);
			}
		}
		if (found.size() != 1) {
			String which = (args != null) ? " accepting " + args.length + " argument(s) of the given types" : "";
			throw new IllegalArgumentException((found.isEmpty() ? "No" : "More than one") + " @LlmCached method '"
					+ methodName + "'" + which + " on " + beanType.getName());
		}
		return found.get(0);
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

	/** {@code com.example.Service.method(String,int)}, for messages. */
	public static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ StringUtils.arrayToCommaDelimitedString(
						java.util.Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toArray())
				+ ")";
	}

	private record MethodClassKey(Method method, @Nullable Class<?> targetClass) {
	}

}
