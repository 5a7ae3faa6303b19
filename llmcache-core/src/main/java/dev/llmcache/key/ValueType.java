package dev.llmcache.key;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.Enumeration;
import java.util.GregorianCalendar;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.Spliterator;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.BaseStream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.beans.BeanUtils;
import org.springframework.core.io.InputStreamSource;
import org.springframework.util.ClassUtils;
import org.springframework.util.MimeType;
import org.springframework.util.ReflectionUtils;

/**
 * How values of one class are made canonical, worked out once per class: reflection happens here,
 * never per call.
 *
 * <p>Immutable and thread-safe.
 */
final class ValueType {

	/**
	 * ChatOptions properties that configure how a request travels (transport, credentials, client
	 * retries, provider-side storage and caching hints), never what the model answers, so they must
	 * not split the cache: a rotated API key or a new base URL keeps every entry valid. Every other
	 * property of every provider's options is keyed; {@code docs/keys.md} lists these with reasons,
	 * and a test fails when an options class on the class path has a property that is neither.
	 */
	static final Set<String> TRANSPORT_ONLY_OPTIONS = Set.of("apiKey", "baseUrl", "credential", "organizationId",
			"timeout", "maxRetries", "proxy", "customHeaders", "httpHeaders", "streamOptions",
			"microsoftFoundryServiceVersion", "store", "metadata", "promptCacheKey", "user", "cacheOptions",
			"keepAlive");

	/** The option whose values reach tools, not the model: a call that sets one is uncacheable. */
	static final String TOOL_CONTEXT = "toolContext";

	private static final ClassValue<ValueType> TYPES = new ClassValue<>() {
		@Override
		protected ValueType computeValue(Class<?> type) {
			try {
				return classify(type);
			}
			catch (RuntimeException ex) {
				return rejected("has properties that cannot be read (" + ex.getClass().getName() + ")", false);
			}
		}
	};

	// Types whose text form is fully specified (ISO-8601, RFC 3986, BCP 47, ISO 4217...), looked
	// up by exact class first and then by assignability, in this order.
	private static final Map<Class<?>, Function<Object, String>> STRING_FORMS = stringForms();

	private static final List<Class<?>> STREAM_TYPES = List.of(InputStream.class, OutputStream.class, Reader.class,
			Writer.class, InputStreamSource.class, BaseStream.class, Iterator.class, Spliterator.class,
			Enumeration.class, java.nio.channels.Channel.class);

	private static final String NOT_CONSUMABLE = "is a stream, which a key cannot read without consuming it";

	private static final String FUNCTION = "is a function or lambda";

	private static final String NOT_A_VALUE = "is not a value";

	private static final String NO_PROPERTIES = "has no readable properties";

	private final Kind kind;

	private final @Nullable Function<Object, String> stringForm;

	private final List<Property> properties;

	private final @Nullable String rejection;

	// Whether the rejection holds for every subtype too (streams, functions), so that a declared
	// type can be rejected at startup even when it is abstract.
	private final boolean rejectsSubtypes;

	private ValueType(Kind kind, @Nullable Function<Object, String> stringForm, List<Property> properties,
			@Nullable String rejection, boolean rejectsSubtypes) {
		this.kind = kind;
		this.stringForm = stringForm;
		this.properties = properties;
		this.rejection = rejection;
		this.rejectsSubtypes = rejectsSubtypes;
	}

	static ValueType of(Class<?> type) {
		return TYPES.get(type);
	}

	Kind kind() {
		return this.kind;
	}

	String stringForm(Object value) {
		return this.stringForm.apply(value);
	}

	/**
	 * @return readable properties (record components for records), sorted by name
	 */
	List<Property> properties() {
		return this.properties;
	}

	@Nullable String rejection() {
		return this.rejection;
	}

	boolean rejectsSubtypes() {
		return this.rejectsSubtypes;
	}

	private static ValueType of(Kind kind) {
		return new ValueType(kind, null, List.of(), null, false);
	}

	private static ValueType rejected(String reason, boolean rejectsSubtypes) {
		return new ValueType(Kind.REJECTED, null, List.of(), reason, rejectsSubtypes);
	}

	private static ValueType classify(Class<?> type) {
		Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
		if (boxed.isArray()) {
			Class<?> component = boxed.getComponentType();
			if (component == byte.class) {
				return of(Kind.BYTES);
			}
			if (component == char.class) {
				return of(Kind.CHARS);
			}
			return of(component.isPrimitive() ? Kind.PRIMITIVE_ARRAY : Kind.ARRAY);
		}
		// Spring AI first: tool callbacks wrap functions, and options may implement anything.
		if (Prompt.class.isAssignableFrom(boxed)) {
			return of(Kind.PROMPT);
		}
		if (Message.class.isAssignableFrom(boxed)) {
			return of(Kind.MESSAGE);
		}
		if (ChatOptions.class.isAssignableFrom(boxed)) {
			return new ValueType(Kind.CHAT_OPTIONS, null, optionProperties(boxed), null, false);
		}
		if (ToolCallback.class.isAssignableFrom(boxed)) {
			return of(Kind.TOOL_CALLBACK);
		}
		if (ToolDefinition.class.isAssignableFrom(boxed)) {
			return of(Kind.TOOL_DEFINITION);
		}
		if (Media.class.isAssignableFrom(boxed)) {
			return of(Kind.MEDIA);
		}
		ValueType simple = simpleType(boxed);
		if (simple != null) {
			return simple;
		}
		if (boxed.isSynthetic() || boxed.isHidden() || boxed.getName().contains("$$Lambda")
				|| isFunctional(boxed)) {
			return rejected(FUNCTION, true);
		}
		for (Class<?> stream : STREAM_TYPES) {
			if (stream.isAssignableFrom(boxed)) {
				return rejected(NOT_CONSUMABLE, true);
			}
		}
		if (Thread.class.isAssignableFrom(boxed) || boxed == Class.class || ClassLoader.class.isAssignableFrom(boxed)) {
			return rejected(NOT_A_VALUE, true);
		}
		if (JsonNode.class.isAssignableFrom(boxed)) {
			return of(Kind.JSON_NODE);
		}
		if (Map.class.isAssignableFrom(boxed)) {
			return of(Kind.MAP);
		}
		if (Set.class.isAssignableFrom(boxed)) {
			return of(Kind.SET);
		}
		if (Collection.class.isAssignableFrom(boxed)) {
			return of(Kind.LIST);
		}
		if (boxed == Optional.class) {
			return of(Kind.OPTIONAL);
		}
		if (boxed == OptionalInt.class || boxed == OptionalLong.class || boxed == OptionalDouble.class) {
			return of(Kind.OPTIONAL_NUMBER);
		}
		if (isJdkType(boxed)) {
			// Getters of JDK classes (File, Path, ByteBuffer, Random...) describe state that is not
			// their value, or that changes under us; walking them would merge distinct values.
			return rejected(NOT_A_VALUE, false);
		}
		if (boxed.isRecord()) {
			return new ValueType(Kind.RECORD, null, recordProperties(boxed), null, false);
		}
		List<Property> properties = beanProperties(boxed);
		return properties.isEmpty() ? rejected(NO_PROPERTIES, false)
				: new ValueType(Kind.BEAN, null, properties, null, false);
	}

	private static @Nullable ValueType simpleType(Class<?> type) {
		if (CharSequence.class.isAssignableFrom(type)) {
			return of(Kind.TEXT);
		}
		if (type == Character.class) {
			return of(Kind.CHARACTER);
		}
		if (type == Boolean.class) {
			return of(Kind.BOOLEAN);
		}
		if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
				|| type == AtomicInteger.class || type == AtomicLong.class) {
			return of(Kind.INTEGER);
		}
		if (type == Double.class || type == Float.class) {
			return of(Kind.FLOATING);
		}
		if (type == BigInteger.class) {
			return of(Kind.BIG_INTEGER);
		}
		if (type == BigDecimal.class) {
			return of(Kind.BIG_DECIMAL);
		}
		if (Enum.class.isAssignableFrom(type)) {
			return of(Kind.ENUM);
		}
		Function<Object, String> form = STRING_FORMS.get(type);
		if (form == null) {
			for (Map.Entry<Class<?>, Function<Object, String>> candidate : STRING_FORMS.entrySet()) {
				if (candidate.getKey().isAssignableFrom(type)) {
					form = candidate.getValue();
					break;
				}
			}
		}
		if (form != null) {
			return new ValueType(Kind.STRING_FORM, form, List.of(), null, false);
		}
		if (Number.class.isAssignableFrom(type)) {
			return rejected("is a number of unknown precision", false);
		}
		return null;
	}

	private static Map<Class<?>, Function<Object, String>> stringForms() {
		Map<Class<?>, Function<Object, String>> forms = new java.util.LinkedHashMap<>();
		forms.put(UUID.class, value -> ((UUID) value).toString());
		forms.put(Instant.class, value -> DateTimeFormatter.ISO_INSTANT.format((Instant) value));
		forms.put(LocalDate.class, value -> DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value));
		forms.put(LocalTime.class, value -> DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) value));
		forms.put(LocalDateTime.class, value -> DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) value));
		forms.put(OffsetDateTime.class,
				value -> DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) value));
		forms.put(OffsetTime.class, value -> DateTimeFormatter.ISO_OFFSET_TIME.format((OffsetTime) value));
		forms.put(ZonedDateTime.class, value -> DateTimeFormatter.ISO_ZONED_DATE_TIME.format((ZonedDateTime) value));
		// The toString() of the following is specified in their Javadoc as the ISO-8601 form.
		forms.put(Duration.class, value -> ((Duration) value).toString());
		forms.put(Period.class, value -> ((Period) value).toString());
		forms.put(Year.class, value -> Integer.toString(((Year) value).getValue()));
		forms.put(YearMonth.class, value -> ((YearMonth) value).toString());
		forms.put(MonthDay.class, value -> ((MonthDay) value).toString());
		forms.put(ZoneId.class, value -> ((ZoneId) value).getId());
		forms.put(TimeZone.class, value -> ((TimeZone) value).getID());
		forms.put(GregorianCalendar.class, value -> DateTimeFormatter.ISO_ZONED_DATE_TIME
			.format(((GregorianCalendar) value).toZonedDateTime()));
		forms.put(Calendar.class, value -> DateTimeFormatter.ISO_INSTANT.format(((Calendar) value).toInstant()));
		forms.put(Date.class, value -> DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(((Date) value).getTime())));
		// RFC 3986 text exactly as given; URI.toString() is specified to return it.
		forms.put(URI.class, value -> ((URI) value).toString());
		forms.put(URL.class, value -> ((URL) value).toExternalForm());
		forms.put(Locale.class, value -> ((Locale) value).toLanguageTag());
		forms.put(Currency.class, value -> ((Currency) value).getCurrencyCode());
		forms.put(Charset.class, value -> ((Charset) value).name());
		forms.put(MimeType.class, value -> mimeType((MimeType) value));
		return forms;
	}

	/**
	 * type/subtype and parameters sorted by name: parameter order carries no meaning.
	 */
	static String mimeType(MimeType mimeType) {
		StringBuilder text = new StringBuilder(mimeType.getType()).append('/').append(mimeType.getSubtype());
		new TreeMap<>(mimeType.getParameters()).forEach((name, value) -> text.append(';').append(name).append('=')
			.append(value));
		return text.toString();
	}

	private static boolean isFunctional(Class<?> type) {
		for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			if (candidate.getName().startsWith("java.util.function.")) {
				return true;
			}
		}
		return type.isInterface() && type.getName().startsWith("java.util.function.");
	}

	private static boolean isJdkType(Class<?> type) {
		String name = type.getName();
		return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
				|| name.startsWith("sun.") || name.startsWith("com.sun.");
	}

	private static List<Property> recordProperties(Class<?> type) {
		List<Property> properties = new ArrayList<>();
		for (RecordComponent component : type.getRecordComponents()) {
			properties.add(new Property(component.getName(), accessible(component.getAccessor(), type)));
		}
		properties.sort(Comparator.comparing(Property::name));
		return List.copyOf(properties);
	}

	private static List<Property> beanProperties(Class<?> type) {
		List<Property> properties = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method reader = descriptor.getReadMethod();
			if (reader != null && !"class".equals(descriptor.getName())) {
				properties.add(new Property(descriptor.getName(), accessible(reader, type)));
			}
		}
		properties.sort(Comparator.comparing(Property::name));
		return List.copyOf(properties);
	}

	private static List<Property> optionProperties(Class<?> type) {
		return beanProperties(type).stream()
			.filter(property -> !TRANSPORT_ONLY_OPTIONS.contains(property.name()))
			.toList();
	}

	private static Method accessible(Method method, Class<?> type) {
		Method target = ClassUtils.getPubliclyAccessibleMethodIfPossible(method, type);
		if (!Modifier.isPublic(target.getModifiers()) || !Modifier.isPublic(target.getDeclaringClass().getModifiers())) {
			ReflectionUtils.makeAccessible(target);
		}
		return target;
	}

	/**
	 * What a class is, for the canonical form.
	 */
	enum Kind {

		TEXT, CHARACTER, BOOLEAN, INTEGER, FLOATING, BIG_INTEGER, BIG_DECIMAL, ENUM, STRING_FORM, BYTES, CHARS,
		PRIMITIVE_ARRAY, ARRAY, LIST, SET, MAP, OPTIONAL, OPTIONAL_NUMBER, JSON_NODE, PROMPT, MESSAGE, CHAT_OPTIONS,
		TOOL_CALLBACK, TOOL_DEFINITION, MEDIA, RECORD, BEAN, REJECTED

	}

	/**
	 * A readable property or record component, read through a generated accessor when the JVM
	 * allows one (a direct call, several times cheaper than {@link Method#invoke}), and through
	 * reflection otherwise.
	 */
	static final class Property {

		private final String name;

		private final Method reader;

		private final java.lang.reflect.Type type;

		private final @Nullable Function<Object, Object> getter;

		Property(String name, Method reader) {
			this.name = name;
			this.reader = reader;
			this.type = reader.getGenericReturnType();
			this.getter = getter(reader);
		}

		String name() {
			return this.name;
		}

		/** The declared type of the property, which decides whether its value's class is written. */
		java.lang.reflect.Type type() {
			return this.type;
		}

		Method reader() {
			return this.reader;
		}

		@Nullable Object read(Object target) {
			try {
				return (this.getter != null) ? this.getter.apply(target) : this.reader.invoke(target);
			}
			catch (InvocationTargetException ex) {
				throw failed(target, (ex.getCause() != null) ? ex.getCause() : ex);
			}
			catch (IllegalAccessException ex) {
				throw new Unkeyable("could not be read: property '" + this.name + "' is not accessible",
						target.getClass(), ex);
			}
			catch (RuntimeException ex) {
				throw failed(target, ex);
			}
		}

		private Unkeyable failed(Object target, Throwable cause) {
			return new Unkeyable("could not be read: property '" + this.name + "' threw " + cause.getClass().getName(),
					target.getClass(), cause);
		}

		@SuppressWarnings("unchecked")
		private static @Nullable Function<Object, Object> getter(Method method) {
			try {
				Class<?> owner = method.getDeclaringClass();
				MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
				MethodHandle handle = lookup.unreflect(method);
				CallSite site = LambdaMetafactory.metafactory(lookup, "apply", MethodType.methodType(Function.class),
						MethodType.methodType(Object.class, Object.class), handle,
						MethodType.methodType(ClassUtils.resolvePrimitiveIfNecessary(method.getReturnType()), owner));
				return (Function<Object, Object>) site.getTarget().invoke();
			}
			catch (Throwable ex) {
				// Module boundaries or a security manager: reflection still works where it did.
				return null;
			}
		}

	}

}
