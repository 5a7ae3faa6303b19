package dev.llmcache.key;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;

/**
 * The default {@link LlmCacheKeyGenerator}: a SHA-256 over a canonical JSON text of the request.
 *
 * <h2>Canonical form</h2>
 * A JSON text without insignificant whitespace, object members sorted by name:
 * <pre class="code">{"args":[...],"model":&lt;fingerprint or null&gt;,"ns":"&lt;namespace&gt;","p":&lt;partition or null&gt;,"v":2}</pre>
 * where {@code v} is {@link CacheKey#FORMAT_VERSION}, {@code model} the fingerprint of the
 * configured chat model(s) and {@code args} holds the argument values in declaration order
 * (parameter names are not part of it). The contract these rules implement is
 * {@code docs/keys.md}. Values are written as follows:
 * <ul>
 * <li>{@code null}, booleans; {@code Byte}, {@code Short}, {@code Integer}, {@code Long},
 * {@code AtomicInteger}, {@code AtomicLong}, {@code BigInteger} as integers;</li>
 * <li>{@code Double} as the shortest decimal that reads back as the same double, and
 * {@code Float} as the shortest that reads back as the same float, both found by rounding the
 * exact value with {@code BigDecimal} (half-even, 1 to 17 digits) and written in plain notation
 * without trailing zeros: {@code 0.7} and {@code 0.7f} are {@code 0.7}, {@code 1.0} is {@code 1},
 * {@code -0.0} is {@code 0}, {@code 1e-7} is {@code 0.0000001}. ({@code Double.toString} is not
 * used: its output changed in JDK 19.) {@code NaN}, {@code Infinity} and {@code -Infinity} are
 * written as those strings; {@code BigDecimal} without trailing zeros, in plain notation. A number
 * therefore writes the same whatever its type;</li>
 * <li>{@code CharSequence} and {@code Character} as strings; an argument that is itself a
 * {@code CharSequence} is {@linkplain PromptNormalizer normalized} when the request asks for it,
 * its dynamic tokens replaced by {@linkplain Placeholders placeholders} when it also strips them.
 * Strings inside other values (records, maps, lists) are data and are written as they are;</li>
 * <li>where the declared type of a value (parameter, record component, bean property, element,
 * map value) is not exactly its runtime class (an interface, {@code Object}, a sealed or abstract
 * type, a type variable, a superclass): records and beans with {@code "@type":"<class name>"},
 * enums as {@code {"@type":"<enum class>","name":...}}, {@code byte[]} as
 * {@code {"@type":"bytes","base64":...}}; map keys and JSON member names starting with {@code @}
 * get one more {@code @};</li>
 * <li>enums by {@code name()}; {@code UUID}, {@code java.time} values, {@code Date},
 * {@code Calendar}, {@code TimeZone}, {@code URI}, {@code URL}, {@code Locale} (BCP 47 tag),
 * {@code Currency}, {@code Charset} and {@code MimeType} as their standard text;</li>
 * <li>{@code byte[]} as base64, {@code char[]} as a string; other arrays, lists and other
 * non-set collections in order; sets sorted by the canonical bytes of their elements; maps as
 * objects whose keys are turned into strings the same way and sorted; {@code Optional} as its
 * value or {@code null}; Jackson {@code JsonNode} trees with sorted members;</li>
 * <li>records as an object of their components, other classes as an object of their readable
 * JavaBean properties (without {@code class}); null components and properties are left out;</li>
 * <li>a Spring AI {@code Prompt} as {@code {"@type":"prompt","messages":[...],"options":...}};
 * a {@code Message} as its role, its (normalized) text, a missing text being {@code ""}, its media
 * (MIME type and SHA-256 of the data or URL, not the randomly generated name), the tool calls of an {@code AssistantMessage} and the responses of a
 * {@code ToolResponseMessage}, without metadata, which never reaches the model;</li>
 * <li>{@code ChatOptions} (of any provider) as their class (in a {@code Prompt}) and every
 * readable property except the transport-only ones ({@code apiKey}, {@code baseUrl},
 * {@code credential}, {@code organizationId}, {@code timeout}, {@code maxRetries}, {@code proxy},
 * {@code customHeaders}, {@code httpHeaders}, {@code streamOptions},
 * {@code microsoftFoundryServiceVersion}, {@code store}, {@code metadata}, {@code promptCacheKey},
 * {@code user}, {@code cacheOptions}, {@code keepAlive}), null and empty values left out; a
 * non-empty {@code toolContext}, or an option value that cannot be made canonical, makes the call
 * uncacheable ({@link UncacheableCallException}); tool callbacks as their definitions (name, description, input schema as
 * canonical JSON) sorted by name. A tool choice must be a String (or a map, record, enum or JSON
 * tree): the provider SDKs' own tool choice objects do not expose which tool they name.</li>
 * </ul>
 * Anything else cannot be made canonical and fails with a {@link KeyGenerationException}:
 * streams and readers, functions and lambdas, threads, classes, other JDK types whose properties
 * are not their value (files, paths, buffers), classes without readable properties, and values
 * nested deeper than 32 levels (which includes every cycle).
 *
 * <p>The canonical form never depends on the JVM, the JDK version, the default locale, charset or
 * time zone, or the iteration order of hash-based collections; any change to it raises
 * {@link CacheKey#FORMAT_VERSION}.
 *
 * <p>Keys of recent requests whose arguments are immutable values (strings, numbers, enums, plain
 * prompts without options) are remembered by those raw values, so that a repeated request is keyed
 * with one hash lookup; the key is the same either way.
 *
 * <p>Thread-safe: reflection results are cached per class, and each call has its own digest.
 */
public class DefaultLlmCacheKeyGenerator implements LlmCacheKeyGenerator {

	private final PromptNormalizer normalizer;

	private final @Nullable KeyMemo memo;

	/**
	 * @param normalizer applied to prompt texts of requests that ask for normalization
	 */
	public DefaultLlmCacheKeyGenerator(PromptNormalizer normalizer) {
		this(normalizer, KeyMemo.DEFAULT_MAX_BYTES);
	}

	/**
	 * @param normalizer applied to prompt texts of requests that ask for normalization
	 * @param memoBytes heap the keys of recent requests, remembered by their raw arguments, may
	 * retain (8 MB by default); 0 to build every key from scratch
	 */
	public DefaultLlmCacheKeyGenerator(PromptNormalizer normalizer, long memoBytes) {
		Assert.notNull(normalizer, "normalizer must not be null");
		Assert.isTrue(memoBytes >= 0, "memoBytes must not be negative");
		this.normalizer = normalizer;
		this.memo = (memoBytes > 0) ? new KeyMemo(memoBytes) : null;
	}

	@Override
	public CacheKey generate(KeyRequest request) {
		return generateWithPlaceholders(request).key();
	}

	@Override
	public PlaceholderKey generateWithPlaceholders(KeyRequest request) {
		Assert.notNull(request, "request must not be null");
		KeyMemo memo = this.memo;
		KeyMemo.Arguments arguments = (memo != null) ? memo.argumentsOf(request) : null;
		if (arguments != null) {
			PlaceholderKey known = memo.get(arguments);
			if (known != null) {
				return known;
			}
		}
		MessageDigest digest = CanonicalValueWriter.newDigest();
		Placeholders.Collector tokens = strips(request) ? new Placeholders.Collector() : null;
		write(request, CanonicalJsonWriter.Sink.of(digest), tokens);
		CacheKey key = new CacheKey(request.namespace(), request.partition(), CanonicalValueWriter.hex(digest.digest()));
		PlaceholderKey result = new PlaceholderKey(key, (tokens != null) ? tokens.placeholders() : Placeholders.NONE);
		if (arguments != null) {
			memo.put(arguments, result);
		}
		return result;
	}

	@Override
	public String canonicalForm(KeyRequest request) {
		Assert.notNull(request, "request must not be null");
		CanonicalJsonWriter.ByteArraySink sink = new CanonicalJsonWriter.ByteArraySink();
		write(request, sink, strips(request) ? new Placeholders.Collector() : null);
		return new String(sink.toByteArray(), StandardCharsets.UTF_8);
	}

	private boolean strips(KeyRequest request) {
		return request.normalize() && request.stripTokens() && this.normalizer.stripsTokens();
	}

	private void write(KeyRequest request, CanonicalJsonWriter.Sink sink, Placeholders.@Nullable Collector tokens) {
		PromptNormalizer normalizer = request.normalize() ? this.normalizer : null;
		new CanonicalValueWriter(new CanonicalJsonWriter(sink), normalizer, tokens).writeRequest(request);
	}

	/**
	 * Checks at startup that each parameter type of the method can be made canonical, looking
	 * into element types of arrays, collections, maps and optionals and into the properties of
	 * records and beans. Only types that can never be made canonical are rejected; abstract
	 * types and {@code Object} inside other types are judged by their runtime values on each call.
	 * A parameter declared as {@code Object} itself is rejected.
	 * @throws KeyGenerationException naming the method and the parameter
	 */
	@Override
	public void validate(Method method) {
		Assert.notNull(method, "method must not be null");
		Parameter[] parameters = method.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			try {
				if (parameters[i].getParameterizedType() == Object.class) {
					throw new Unkeyable("is too general to be made canonical", Object.class);
				}
				check(ResolvableType.forMethodParameter(method, i), 1, new HashSet<>());
			}
			catch (Unkeyable ex) {
				throw ex.toException(method, parameters[i].getName());
			}
		}
	}

	private static void check(ResolvableType type, int depth, Set<Class<?>> visiting) {
		Class<?> raw = type.resolve();
		if (raw == null || raw == Object.class || depth > CanonicalValueWriter.MAX_DEPTH) {
			return;
		}
		ValueType valueType = ValueType.of(raw);
		switch (valueType.kind()) {
			case REJECTED -> {
				if (valueType.rejectsSubtypes() || isConcrete(raw)) {
					throw new Unkeyable(valueType.rejection(), raw);
				}
			}
			case ARRAY -> element(type.getComponentType(), depth, visiting, "[]");
			case LIST, SET -> element(type.asCollection().getGeneric(0), depth, visiting, "[]");
			case OPTIONAL -> check(type.getGeneric(0), depth, visiting);
			case MAP -> {
				checkMapKey(type.asMap().getGeneric(0).resolve());
				element(type.asMap().getGeneric(1), depth, visiting, "[]");
			}
			case RECORD, BEAN -> {
				if (visiting.add(raw)) {
					for (ValueType.Property property : valueType.properties()) {
						element(ResolvableType.forMethodReturnType(property.reader(), raw), depth, visiting,
								"." + property.name());
					}
					visiting.remove(raw);
				}
			}
			default -> {
			}
		}
	}

	private static void element(ResolvableType type, int depth, Set<Class<?>> visiting, String segment) {
		try {
			check(type, depth + 1, visiting);
		}
		catch (Unkeyable ex) {
			throw ex.at(segment);
		}
	}

	private static void checkMapKey(@Nullable Class<?> keyType) {
		if (keyType == null || keyType == Object.class || !isConcrete(keyType)) {
			return;
		}
		ValueType.Kind kind = ValueType.of(keyType).kind();
		switch (kind) {
			case TEXT, CHARACTER, BOOLEAN, INTEGER, FLOATING, BIG_INTEGER, BIG_DECIMAL, ENUM, STRING_FORM -> {
			}
			default -> throw new Unkeyable("cannot be a map key: keys must be strings, numbers, enums or other "
					+ "values with a standard text form", keyType);
		}
	}

	private static boolean isConcrete(Class<?> type) {
		return type.isPrimitive() || type.isArray()
				|| (!type.isInterface() && !Modifier.isAbstract(type.getModifiers()));
	}

	@Override
	public String toString() {
		return "DefaultLlmCacheKeyGenerator[" + this.normalizer + "]";
	}

}
