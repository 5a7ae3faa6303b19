package dev.llmcache.key;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.MimeType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The canonical text of each kind of value.
 */
class CanonicalFormTests {

	private final DefaultLlmCacheKeyGenerator generator = new DefaultLlmCacheKeyGenerator(
			PromptNormalizer.defaults());

	@Test
	void theRequestIsAnObjectWithSortedMembers() {
		KeyRequest request = new KeyRequest("support", "tenant-7", true, method(),
				List.of(new KeyArgument("a", "Hi"), new KeyArgument("b", 3), new KeyArgument("c", null)));
		assertThat(this.generator.canonicalForm(request))
			.isEqualTo("{\"args\":[\"Hi\",3,null],\"model\":null,\"ns\":\"support\",\"p\":\"tenant-7\",\"v\":2}");
		assertThat(this.generator.canonicalForm(request.withModel("ab12")))
			.isEqualTo("{\"args\":[\"Hi\",3,null],\"model\":\"ab12\",\"ns\":\"support\",\"p\":\"tenant-7\",\"v\":2}");
	}

	@Test
	void theHashIsTheSha256OfTheCanonicalText() throws Exception {
		KeyRequest request = new KeyRequest("support", null, true, method(), List.of(new KeyArgument("a", "Hi")));
		byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
			.digest(this.generator.canonicalForm(request).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertThat(this.generator.generate(request).hash()).isEqualTo(java.util.HexFormat.of().formatHex(digest));
	}

	@Test
	void integralNumbersAreIntegers() {
		assertThat(form((byte) 1, (short) 2, 3, 4L, new BigInteger("123456789012345678901234567890"),
				new AtomicLong(5)))
			.isEqualTo("[1,2,3,4,123456789012345678901234567890,5]");
	}

	@Test
	void floatingPointNumbersAreTheirShortestPlainDecimal() {
		assertThat(form(0.7, 0.1, 1.0, -0.0, 1e-7, 2.5e20, 1.0 / 3, 0.7f, 1e-7f))
			.isEqualTo("[0.7,0.1,1,0,0.0000001,250000000000000000000,0.3333333333333333,0.7,0.0000001]");
		assertThat(form(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY))
			.isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]");
	}

	@Test
	void aNumberWritesTheSameWhateverItsType() {
		assertThat(form(1, 1L, 1.0, 1.0f, new BigDecimal("1.000"), BigInteger.ONE)).isEqualTo("[1,1,1,1,1,1]");
		assertThat(form(0.25, 0.25f, new BigDecimal("0.250"))).isEqualTo("[0.25,0.25,0.25]");
	}

	@Test
	void bigDecimalsHaveNoExponentAndNoTrailingZeros() {
		assertThat(form(new BigDecimal("12.50"), new BigDecimal("1E+3"), new BigDecimal("0.000"),
				new BigDecimal("-1.5E-8")))
			.isEqualTo("[12.5,1000,0,-0.000000015]");
	}

	@Test
	void stringsAreEscapedMinimally() {
		// In a list, so that normalization leaves the whitespace alone.
		assertThat(form(List.of("quote \" backslash \\ tab \t newline \n bell \u0007 caf\u00e9 \ud83d\ude00")))
			.isEqualTo("[[\"quote \\\" backslash \\\\ tab \\t newline \\n bell \\u0007 caf\u00e9 \ud83d\ude00\"]]");
	}

	@Test
	void unpairedSurrogatesStayDistinct() {
		assertThat(form("a\ud800b")).isEqualTo("[\"a\\ud800b\"]");
		assertThat(form("a\udc00b")).isEqualTo("[\"a\\udc00b\"]");
	}

	@Test
	void standardValueTypesUseTheirStandardText() {
		assertThat(form(UUID.fromString("123E4567-E89B-12D3-A456-426614174000"), Instant.parse("2024-05-01T10:15:30Z"),
				LocalDate.of(2024, 5, 1), LocalDateTime.of(2024, 5, 1, 10, 15, 30, 500_000_000),
				OffsetDateTime.of(2024, 5, 1, 10, 15, 0, 0, ZoneOffset.ofHours(2)),
				ZonedDateTime.of(2024, 5, 1, 10, 15, 0, 0, ZoneId.of("Europe/Paris")), Duration.ofMinutes(90),
				URI.create("https://example.com/a?b=c"), Locale.forLanguageTag("pt-BR"), Currency.getInstance("EUR"),
				MimeType.valueOf("text/plain;charset=UTF-8;a=b"), Thread.State.NEW, 'x'))
			.isEqualTo("[\"123e4567-e89b-12d3-a456-426614174000\",\"2024-05-01T10:15:30Z\",\"2024-05-01\","
					+ "\"2024-05-01T10:15:30.5\",\"2024-05-01T10:15:00+02:00\","
					+ "\"2024-05-01T10:15:00+02:00[Europe/Paris]\",\"PT1H30M\",\"https://example.com/a?b=c\","
					+ "\"pt-BR\",\"EUR\",\"text/plain;a=b;charset=UTF-8\",{\"@type\":\"java.lang.Thread$State\",\"name\":\"NEW\"},\"x\"]");
	}

	@Test
	void bytesAreBase64AndOtherArraysAreLists() {
		assertThat(form(new byte[] { 1, 2, 3 }, new int[] { 1, 2 }, new double[] { 0.5 }, new boolean[] { true },
				new String[] { "a", "b" }, "ab".toCharArray()))
			.isEqualTo("[{\"@type\":\"bytes\",\"base64\":\"AQID\"},[1,2],[0.5],[true],[\"a\",\"b\"],\"ab\"]");
	}

	@Test
	void setsAreSortedByTheirCanonicalText() {
		Set<Object> hashSet = new HashSet<>(List.of("pear", "apple", 10, 9, "Zebra"));
		Set<Object> linkedSet = new LinkedHashSet<>(List.of(9, "Zebra", 10, "apple", "pear"));
		assertThat(form(hashSet)).isEqualTo("[[\"Zebra\",\"apple\",\"pear\",10,9]]");
		assertThat(form(linkedSet)).isEqualTo(form(hashSet));
		assertThat(form(new TreeSet<>(Set.of("b", "a")))).isEqualTo("[[\"a\",\"b\"]]");
	}

	@Test
	void setsOfValueObjectsDoNotDependOnIdentityHashCodes() {
		Set<Bean> one = new HashSet<>();
		Set<Bean> other = new LinkedHashSet<>();
		for (int i = 0; i < 20; i++) {
			one.add(new Bean("item-" + i, i));
		}
		for (int i = 19; i >= 0; i--) {
			other.add(new Bean("item-" + i, i));
		}
		assertThat(form(one)).isEqualTo(form(other));
	}

	@Test
	void mapsAreObjectsWithSortedStringKeys() {
		Map<Object, Object> map = new LinkedHashMap<>();
		map.put("b", 1);
		map.put(Thread.State.NEW, true);
		map.put(10, "ten");
		map.put(2.5, null);
		map.put(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), List.of());
		assertThat(form(map)).isEqualTo(
				"[{\"10\":\"ten\",\"123e4567-e89b-12d3-a456-426614174000\":[],\"2.5\":null,\"NEW\":true,\"b\":1}]");
		Map<Object, Object> hashMap = new HashMap<>(map);
		assertThat(form(hashMap)).isEqualTo(form(map));
	}

	@Test
	void mapKeysThatCollideAreOrderedByValue() {
		Map<Object, Object> one = new LinkedHashMap<>();
		one.put(1, "int");
		one.put(1L, "long");
		Map<Object, Object> other = new LinkedHashMap<>();
		other.put(1L, "long");
		other.put(1, "int");
		assertThat(form(one)).isEqualTo("[{\"1\":\"int\",\"1\":\"long\"}]").isEqualTo(form(other));
	}

	@Test
	void aMapKeyWithoutTextIsRejected() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> form(Map.of(new Bean("a", 1), "value")))
			.withMessageContaining("type dev.llmcache.key.CanonicalFormTests$Bean cannot be a map key: "
					+ "keys must be strings, numbers, enums or other values with a standard text form");
	}

	@Test
	void optionalsAreTheirValue() {
		assertThat(form(Optional.of("x"), Optional.empty(), OptionalInt.of(3), OptionalInt.empty()))
			.isEqualTo("[\"x\",null,3,null]");
	}

	@Test
	void recordsAreObjectsOfTheirNonNullComponents() {
		assertThat(form(new Point(3, null, List.of(1.5))))
			.isEqualTo("[{\"@type\":\"dev.llmcache.key.CanonicalFormTests$Point\",\"values\":[1.5],\"x\":3}]");
	}

	@Test
	void javaBeansAreObjectsOfTheirReadableProperties() {
		assertThat(form(new Bean("widget", 2))).isEqualTo(
				"[{\"@type\":\"dev.llmcache.key.CanonicalFormTests$Bean\",\"active\":true,\"count\":2,\"name\":\"widget\"}]");
	}

	@Test
	void theClassOfAValueIsPartOfItWhereTheDeclaredTypeLeavesItOpen() {
		assertThat(form(new Bean("widget", 2))).isNotEqualTo(form(new OtherBean("widget", 2)));
	}

	@Test
	void jsonTreesHaveSortedMembers() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThat(form(mapper.readTree("{\"b\":[1,2.50,\"x\"],\"a\":{\"d\":null,\"c\":true}}")))
			.isEqualTo("[{\"a\":{\"c\":true,\"d\":null},\"b\":[1,2.5,\"x\"]}]");
	}

	@Test
	void onlyArgumentTextIsNormalized() {
		assertThat(form("  Hello   world  ", List.of("  a  "), new Point(1, "  b  ", List.of())))
			.isEqualTo("[\"Hello world\",[\"  a  \"],{\"@type\":\"dev.llmcache.key.CanonicalFormTests$Point\","
					+ "\"label\":\"  b  \",\"values\":[],\"x\":1}]");
	}

	@Test
	void deepNestingIsRejected() {
		Object value = "leaf";
		for (int i = 0; i < 32; i++) {
			value = List.of(value);
		}
		assertThat(form(value)).startsWith("[[[[");
		Object tooDeep = List.of(value);
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> form(tooDeep))
			.withMessageContaining(": the value is nested deeper than 32 levels or contains a cycle;");
	}

	@Test
	void aRecursiveBeanIsRejected() {
		Node node = new Node();
		node.setNext(node);
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> form(node))
			.withMessageContaining(": the value is nested deeper than 32 levels or contains a cycle;");
	}

	@Test
	void aGetterThatThrowsIsReported() {
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> form(new Broken()))
			.withMessageContaining("type dev.llmcache.key.CanonicalFormTests$Broken could not be read: "
					+ "property 'value' threw java.lang.IllegalStateException;")
			.withCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void jdkTypesWithoutStandardTextAreRejected() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> form(new java.io.File("/tmp/prompt.txt")))
			.withMessageContaining("type java.io.File is not a value;");
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> form(Thread.currentThread()))
			.withMessageContaining("type java.lang.Thread is not a value;");
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> form(String.class))
			.withMessageContaining("type java.lang.Class is not a value;");
	}

	private String form(Object... arguments) {
		List<KeyArgument> keyArguments = new ArrayList<>();
		Arrays.stream(arguments).forEach(argument -> keyArguments.add(new KeyArgument("arg", argument)));
		String canonical = this.generator
			.canonicalForm(new KeyRequest("ns", null, true, method(), keyArguments));
		return canonical.substring("{\"args\":".length(), canonical.length() - ",\"model\":null,\"ns\":\"ns\",\"p\":null,\"v\":2}".length());
	}

	private static Method method() {
		try {
			return CanonicalFormTests.class.getDeclaredMethod("ask", Object.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String ask(Object argument) {
		return "";
	}

	record Point(int x, String label, List<Double> values) {
	}

	public static class Bean {

		private final String name;

		private final int count;

		Bean(String name, int count) {
			this.name = name;
			this.count = count;
		}

		public String getName() {
			return this.name;
		}

		public int getCount() {
			return this.count;
		}

		public boolean isActive() {
			return true;
		}

	}

	static class OtherBean extends Bean {

		OtherBean(String name, int count) {
			super(name, count);
		}

	}

	static class Node {

		private Node next;

		public Node getNext() {
			return this.next;
		}

		public void setNext(Node next) {
			this.next = next;
		}

	}

	static class Broken {

		public String getValue() {
			throw new IllegalStateException("no value");
		}

	}

}
