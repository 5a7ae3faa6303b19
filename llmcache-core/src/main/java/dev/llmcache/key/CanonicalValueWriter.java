package dev.llmcache.key;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.POJONode;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Writes one {@link KeyRequest} in canonical form: the value half of it, on top of
 * {@link CanonicalJsonWriter}. See {@link DefaultLlmCacheKeyGenerator} for the rules. This is the
 * generic walker (values, containers, records and beans, runtime types); numbers are
 * {@link CanonicalNumbers}, and Spring AI values {@link SpringAiForms}.
 *
 * <p>Not thread-safe: one instance per key.
 */
final class CanonicalValueWriter {

	static final int MAX_DEPTH = 32;

	private static final String TOO_DEEP = "the value is nested deeper than " + MAX_DEPTH
			+ " levels or contains a cycle";

	/** The type written for a {@code byte[]} whose declared type leaves it open. */
	private static final String BYTES_TYPE = "bytes";

	private final CanonicalJsonWriter json;

	private final @Nullable PromptNormalizer normalizer;

	private final Placeholders.@Nullable Collector tokens;

	private final SpringAiForms springAi;

	/**
	 * @param normalizer applied to prompt texts, or null to hash them as they are
	 */
	CanonicalValueWriter(CanonicalJsonWriter json, @Nullable PromptNormalizer normalizer) {
		this(json, normalizer, null);
	}

	/**
	 * @param normalizer applied to prompt texts, or null to hash them as they are
	 * @param tokens where dynamic tokens of prompt texts are numbered, or null to keep them
	 */
	CanonicalValueWriter(CanonicalJsonWriter json, @Nullable PromptNormalizer normalizer,
			Placeholders.@Nullable Collector tokens) {
		this.json = json;
		this.normalizer = normalizer;
		this.tokens = (normalizer != null) ? tokens : null;
		this.springAi = new SpringAiForms(this, json);
	}

	/**
	 * A digest per call: provider lookups are cached by the JDK, so this costs about as much as
	 * cloning a prototype, and no digest state is ever shared between threads.
	 */
	static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * Writes {@code {"args":[...],"model":...,"ns":...,"p":...,"v":2}}.
	 * @throws KeyGenerationException if an argument cannot be made canonical
	 */
	void writeRequest(KeyRequest request) {
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		json.name("args");
		json.beginArray();
		Type[] declared = declaredTypes(request);
		List<KeyArgument> arguments = request.arguments();
		for (int i = 0; i < arguments.size(); i++) {
			KeyArgument argument = arguments.get(i);
			try {
				writeArgument(argument.value(), (declared != null) ? declared[i] : null);
			}
			catch (Unkeyable ex) {
				throw ex.toException(request.method(), argument.name());
			}
		}
		json.endArray();
		json.name("model");
		nullableString(request.model());
		json.name("ns");
		json.stringValue(request.namespace());
		json.name("p");
		if (request.partition() != null) {
			json.stringValue(request.partition());
		}
		else {
			json.nullValue();
		}
		json.name("v");
		json.numberValue(CacheKey.FORMAT_VERSION);
		json.endObject();
		json.flush();
	}

	/**
	 * The declared parameter types when the arguments are the method's own (not the value of a
	 * {@code key} expression), else null: every value's runtime type then counts.
	 */
	private static Type @Nullable [] declaredTypes(KeyRequest request) {
		java.lang.reflect.Parameter[] parameters = request.method().getParameters();
		List<KeyArgument> arguments = request.arguments();
		if (parameters.length != arguments.size()) {
			return null;
		}
		Type[] types = new Type[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			if (!parameters[i].getName().equals(arguments.get(i).name())) {
				return null;
			}
			types[i] = parameters[i].getParameterizedType();
		}
		return types;
	}

	private void writeArgument(@Nullable Object value, @Nullable Type declared) {
		if (value instanceof CharSequence text) {
			this.json.stringValue(prompt(text.toString()));
		}
		else {
			writeValue(value, 1, declared);
		}
	}

	String prompt(String text) {
		return (this.normalizer != null) ? this.normalizer.normalize(text, this.tokens) : text;
	}

	void writeValue(@Nullable Object value, int depth) {
		writeValue(value, depth, null);
	}

	/**
	 * @param declared the declared type of the value where known (parameter, component, property,
	 * element); null when nothing fixes the runtime type
	 */
	void writeValue(@Nullable Object value, int depth, @Nullable Type declared) {
		CanonicalJsonWriter json = this.json;
		if (value == null) {
			json.nullValue();
			return;
		}
		if (value instanceof String text) {
			json.stringValue(text);
			return;
		}
		Class<?> type = value.getClass();
		if (type == Integer.class || type == Long.class) {
			json.numberValue(((Number) value).longValue());
			return;
		}
		if (type == Boolean.class) {
			json.booleanValue((Boolean) value);
			return;
		}
		if (type == Double.class) {
			writeDouble((Double) value);
			return;
		}
		ValueType valueType = ValueType.of(type);
		switch (valueType.kind()) {
			case TEXT -> json.stringValue((CharSequence) value);
			case CHARACTER -> json.stringValue(String.valueOf((char) (Character) value));
			case BOOLEAN -> json.booleanValue((Boolean) value);
			case INTEGER -> json.numberValue(integer(value));
			case FLOATING -> writeFloating((Number) value);
			case BIG_INTEGER -> json.numberValue(((BigInteger) value).toString());
			case BIG_DECIMAL -> json.numberValue(CanonicalNumbers.decimal((BigDecimal) value));
			case ENUM -> writeEnum((Enum<?>) value, declared);
			case STRING_FORM -> json.stringValue(valueType.stringForm(value));
			case BYTES -> writeBytes((byte[]) value, declared);
			case CHARS -> json.stringValue(new String((char[]) value));
			case PRIMITIVE_ARRAY -> writePrimitiveArray(value, depth);
			case ARRAY -> writeList(Arrays.asList((Object[]) value), depth, elementType(declared, 0));
			case LIST -> writeList((Collection<?>) value, depth, elementType(declared, 0));
			case SET -> writeSet((Collection<?>) value, depth, elementType(declared, 0));
			case MAP -> writeMap((Map<?, ?>) value, depth, elementType(declared, 1));
			case OPTIONAL -> writeValue(((Optional<?>) value).orElse(null), depth, elementType(declared, 0));
			case OPTIONAL_NUMBER -> writeOptionalNumber(value);
			case JSON_NODE -> writeJson((JsonNode) value, depth);
			case PROMPT -> this.springAi.writePrompt((Prompt) value, depth);
			case MESSAGE -> this.springAi.writeMessage((Message) value, depth);
			case CHAT_OPTIONS -> this.springAi.writeOptions((ChatOptions) value, valueType, depth, declared);
			case TOOL_CALLBACK -> this.springAi.writeToolDefinition(((ToolCallback) value).getToolDefinition(), depth);
			case TOOL_DEFINITION -> this.springAi.writeToolDefinition((ToolDefinition) value, depth);
			case MEDIA -> this.springAi.writeMedia((Media) value, depth);
			case RECORD, BEAN -> writeProperties(value, valueType, depth, runtimeTypeName(type, declared));
			case REJECTED -> throw new Unkeyable(valueType.rejection(), type);
		}
	}

	/**
	 * The class name to write for a value whose declared type does not fix its runtime type, or
	 * null when the declared type is exactly the runtime class.
	 */
	static @Nullable String runtimeTypeName(Class<?> runtime, @Nullable Type declared) {
		return (rawClass(declared) == runtime) ? null : runtime.getName();
	}

	private static @Nullable Class<?> rawClass(@Nullable Type type) {
		if (type instanceof Class<?> raw) {
			return raw;
		}
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
			return raw;
		}
		return null;
	}

	/**
	 * The declared type of the elements (index 0) or map values (index 1) of a container, or null
	 * when the declaration does not say (a raw type, a type variable, a subclass that binds them).
	 */
	private static @Nullable Type elementType(@Nullable Type declared, int index) {
		if (declared instanceof Class<?> raw) {
			return raw.isArray() ? raw.getComponentType() : null;
		}
		if (declared instanceof GenericArrayType array) {
			return (index == 0) ? array.getGenericComponentType() : null;
		}
		if (declared instanceof ParameterizedType parameterized) {
			Type[] arguments = parameterized.getActualTypeArguments();
			Class<?> raw = rawClass(parameterized);
			if (raw != null && Map.class.isAssignableFrom(raw)) {
				return (index == 1 && arguments.length == 2) ? arguments[1] : null;
			}
			return (index == 0 && arguments.length >= 1) ? arguments[0] : null;
		}
		return null;
	}

	/** An enum by its name, with its class where the declared type is not that enum. */
	private void writeEnum(Enum<?> value, @Nullable Type declared) {
		Class<?> enumType = value.getDeclaringClass();
		if (rawClass(declared) == enumType) {
			this.json.stringValue(value.name());
			return;
		}
		this.json.beginObject();
		this.json.name("@type");
		this.json.stringValue(enumType.getName());
		this.json.name("name");
		this.json.stringValue(value.name());
		this.json.endObject();
	}

	/** Bytes as base64, marked as bytes where the declared type is not {@code byte[]}. */
	private void writeBytes(byte[] value, @Nullable Type declared) {
		String base64 = Base64.getEncoder().encodeToString(value);
		if (rawClass(declared) == byte[].class) {
			this.json.stringValue(base64);
			return;
		}
		this.json.beginObject();
		this.json.name("@type");
		this.json.stringValue(BYTES_TYPE);
		this.json.name("base64");
		this.json.stringValue(base64);
		this.json.endObject();
	}

	private static long integer(Object value) {
		if (value instanceof AtomicInteger atomic) {
			return atomic.get();
		}
		if (value instanceof AtomicLong atomic) {
			return atomic.get();
		}
		return ((Number) value).longValue();
	}

	private void writeFloating(Number value) {
		if (value instanceof Float number) {
			writeFloat(number);
		}
		else {
			writeDouble(value.doubleValue());
		}
	}

	private void writeDouble(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			writeNonFinite(value);
		}
		else {
			this.json.numberValue(CanonicalNumbers.canonicalDouble(value));
		}
	}

	private void writeFloat(float value) {
		if (Float.isNaN(value) || Float.isInfinite(value)) {
			writeNonFinite(value);
		}
		else {
			this.json.numberValue(CanonicalNumbers.canonicalFloat(value));
		}
	}

	private void writeNonFinite(double value) {
		this.json.stringValue(CanonicalNumbers.nonFinite(value));
	}


	private void writeOptionalNumber(Object value) {
		if (value instanceof OptionalInt number) {
			if (number.isPresent()) {
				this.json.numberValue(number.getAsInt());
				return;
			}
		}
		else if (value instanceof OptionalLong number) {
			if (number.isPresent()) {
				this.json.numberValue(number.getAsLong());
				return;
			}
		}
		else if (value instanceof OptionalDouble number && number.isPresent()) {
			writeDouble(number.getAsDouble());
			return;
		}
		this.json.nullValue();
	}

	private void writePrimitiveArray(Object array, int depth) {
		enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginArray();
		if (array instanceof int[] values) {
			for (int value : values) {
				json.numberValue(value);
			}
		}
		else if (array instanceof long[] values) {
			for (long value : values) {
				json.numberValue(value);
			}
		}
		else if (array instanceof short[] values) {
			for (short value : values) {
				json.numberValue(value);
			}
		}
		else if (array instanceof double[] values) {
			for (double value : values) {
				writeDouble(value);
			}
		}
		else if (array instanceof float[] values) {
			for (float value : values) {
				writeFloat(value);
			}
		}
		else if (array instanceof boolean[] values) {
			for (boolean value : values) {
				json.booleanValue(value);
			}
		}
		json.endArray();
	}

	static void enter(int depth) {
		if (depth > MAX_DEPTH) {
			throw new Unkeyable(TOO_DEEP, null);
		}
	}

	void writeList(Collection<?> values, int depth) {
		writeList(values, depth, null);
	}

	void writeList(Collection<?> values, int depth, @Nullable Type elementType) {
		enter(depth);
		this.json.beginArray();
		int index = 0;
		for (Object value : values) {
			try {
				writeValue(value, depth + 1, elementType);
			}
			catch (Unkeyable ex) {
				throw ex.at("[" + index + "]");
			}
			index++;
		}
		this.json.endArray();
	}

	/**
	 * Elements in the order of their canonical bytes, so that iteration order, which for hash
	 * sets depends on identity hash codes, never reaches the key.
	 */
	private void writeSet(Collection<?> values, int depth, @Nullable Type elementType) {
		enter(depth);
		List<byte[]> rendered = new ArrayList<>(values.size());
		for (Object value : values) {
			try {
				rendered.add(render(value, depth + 1, elementType));
			}
			catch (Unkeyable ex) {
				throw ex.at("[]");
			}
		}
		rendered.sort(Arrays::compareUnsigned);
		this.json.beginArray();
		for (byte[] value : rendered) {
			this.json.rawValue(value);
		}
		this.json.endArray();
	}

	private byte[] render(@Nullable Object value, int depth, @Nullable Type declared) {
		CanonicalJsonWriter.ByteArraySink sink = new CanonicalJsonWriter.ByteArraySink();
		CanonicalJsonWriter json = new CanonicalJsonWriter(sink);
		new CanonicalValueWriter(json, this.normalizer, this.tokens).writeValue(value, depth, declared);
		json.flush();
		return sink.toByteArray();
	}

	private void writeMap(Map<?, ?> map, int depth, @Nullable Type valueType) {
		enter(depth);
		int size = map.size();
		String[] keys = new String[size];
		Object[] values = new Object[size];
		int count = 0;
		for (Map.Entry<?, ?> entry : map.entrySet()) {
			if (count == size) {
				break;
			}
			keys[count] = mapKey(entry.getKey());
			values[count] = entry.getValue();
			count++;
		}
		Integer[] order = sortedOrder(keys, values, count, depth, valueType);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		for (int i = 0; i < count; i++) {
			int index = (order != null) ? order[i] : i;
			json.name(keys[index]);
			try {
				writeValue(values[index], depth + 1, valueType);
			}
			catch (Unkeyable ex) {
				throw ex.at("[" + keys[index] + "]");
			}
		}
		json.endObject();
	}

	private Integer @Nullable [] sortedOrder(String[] keys, Object[] values, int count, int depth,
			@Nullable Type valueType) {
		if (count < 2) {
			return null;
		}
		Integer[] order = new Integer[count];
		for (int i = 0; i < count; i++) {
			order[i] = i;
		}
		Arrays.sort(order, Comparator.comparing(index -> keys[index]));
		for (int i = 1; i < count; i++) {
			if (keys[order[i]].equals(keys[order[i - 1]])) {
				// Keys that differ only in type (1 and 1L) write the same name: order them by value
				// too, or the map's iteration order would decide.
				Map<Integer, byte[]> rendered = new java.util.HashMap<>();
				Comparator<Integer> byValue = Comparator.comparing(
						(Integer index) -> rendered.computeIfAbsent(index, key -> render(values[key], depth + 1, valueType)),
						Arrays::compareUnsigned);
				Arrays.sort(order, Comparator.<Integer, String>comparing(index -> keys[index]).thenComparing(byValue));
				break;
			}
		}
		return order;
	}

	/**
	 * A map key or JSON member name as written: one more {@code @} in front of names that start
	 * with one, so that no data can pass for the {@code @type} of a value.
	 */
	private static String memberName(String name) {
		return (!name.isEmpty() && name.charAt(0) == '@') ? "@" + name : name;
	}

	private static String mapKey(@Nullable Object key) {
		return memberName(plainMapKey(key));
	}

	private static String plainMapKey(@Nullable Object key) {
		if (key == null) {
			return "null";
		}
		if (key instanceof String text) {
			return text;
		}
		ValueType type = ValueType.of(key.getClass());
		return switch (type.kind()) {
			case TEXT -> key.toString();
			case CHARACTER -> String.valueOf((char) (Character) key);
			case BOOLEAN -> Boolean.toString((Boolean) key);
			case INTEGER -> Long.toString(integer(key));
			case FLOATING -> floatingKey((Number) key);
			case BIG_INTEGER -> key.toString();
			case BIG_DECIMAL -> CanonicalNumbers.decimal((BigDecimal) key);
			case ENUM -> ((Enum<?>) key).name();
			case STRING_FORM -> type.stringForm(key);
			default -> throw new Unkeyable("cannot be a map key: keys must be strings, numbers, enums or other "
					+ "values with a standard text form", key.getClass());
		};
	}

	private static String floatingKey(Number key) {
		double value = key.doubleValue();
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return CanonicalNumbers.nonFinite(value);
		}
		return (key instanceof Float number) ? CanonicalNumbers.canonicalFloat(number)
				: CanonicalNumbers.canonicalDouble(value);
	}

	void writeJson(JsonNode node, int depth) {
		CanonicalJsonWriter json = this.json;
		if (node.isObject()) {
			enter(depth);
			List<String> names = new ArrayList<>(node.propertyNames());
			names.sort(Comparator.comparing(CanonicalValueWriter::memberName));
			json.beginObject();
			for (String name : names) {
				json.name(memberName(name));
				writeJson(node.get(name), depth + 1);
			}
			json.endObject();
		}
		else if (node.isArray()) {
			enter(depth);
			json.beginArray();
			for (JsonNode element : node.values()) {
				writeJson(element, depth + 1);
			}
			json.endArray();
		}
		else if (node.isString()) {
			json.stringValue(node.stringValue());
		}
		else if (node.isIntegralNumber()) {
			json.numberValue(node.bigIntegerValue().toString());
		}
		else if (node.isNumber()) {
			if (node.isBigDecimal()) {
				json.numberValue(CanonicalNumbers.decimal(node.decimalValue()));
			}
			else {
				writeDouble(node.doubleValue());
			}
		}
		else if (node.isBoolean()) {
			json.booleanValue(node.booleanValue());
		}
		else if (node.isBinary()) {
			json.stringValue(Base64.getEncoder().encodeToString(node.binaryValue()));
		}
		else if (node instanceof POJONode pojo) {
			writeValue(pojo.getPojo(), depth);
		}
		else {
			json.nullValue();
		}
	}

	/**
	 * @param typeName the runtime class, written as {@code "@type"} (which sorts before every
	 * property name), or null when the declared type fixes it
	 */
	private void writeProperties(Object value, ValueType type, int depth, @Nullable String typeName) {
		enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		if (typeName != null) {
			json.name("@type");
			json.stringValue(typeName);
		}
		for (ValueType.Property property : type.properties()) {
			Object propertyValue = property.read(value);
			// Absent and null are the same: a new nullable property leaves existing keys unchanged.
			if (propertyValue != null) {
				json.name(property.name());
				try {
					writeValue(propertyValue, depth + 1, property.type());
				}
				catch (Unkeyable ex) {
					throw ex.at("." + property.name());
				}
			}
		}
		json.endObject();
	}

	void nullableString(@Nullable String value) {
		if (value != null) {
			this.json.stringValue(value);
		}
		else {
			this.json.nullValue();
		}
	}

	static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

}
