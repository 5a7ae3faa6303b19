package dev.llmcache.tier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.GraphLayout;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The L1 weigher against the heap: a {@link LocalTier} is filled with entries of one value type
 * and JOL measures what the tier retains per entry (key, entry, value graph and Caffeine's own
 * structures, less the empty tier). The weight must be within 25% of that, for each type, small
 * and large, as the value came from the model and as it came back from L2.
 */
class HeapWeigherTests {

	static {
		// Caffeine holds lambdas (hidden classes), whose field offsets JOL cannot ask Unsafe for.
		System.setProperty("jol.magicFieldOffset", "true");
	}

	private static final int ENTRIES = 300;

	// Values of thousands of objects each: JOL's walk of 300 of them took 12 s a type, and per-entry
	// overheads the average must spread (Caffeine's table, the empty tier) are a rounding error beside
	// them at 30 entries already.
	private static final int LARGE_VALUE_ENTRIES = 30;

	private static final JsonLlmCacheSerializer CODEC = new JsonLlmCacheSerializer();

	record Faq(String question, List<String> answers, int votes) {
	}

	static Stream<Arguments> valueTypes() {
		return Stream.of(
				Arguments.of("String, 6 chars", ValueType.of(String.class), (IntFunction<Object>) i -> "Paris" + i,
						ENTRIES),
				Arguments.of("String, 2,000 chars", ValueType.of(String.class),
						(IntFunction<Object>) i -> text(2000, i), ENTRIES),
				Arguments.of("String, 300 chars non-Latin", ValueType.of(String.class),
						(IntFunction<Object>) i -> "ünïcødé ☃ " + "日本語のテキスト".repeat(30) + i, ENTRIES),
				Arguments.of("ChatResponse, short answer", ValueType.of(ChatResponse.class),
						(IntFunction<Object>) i -> chatResponse(1, 40, i), ENTRIES),
				Arguments.of("ChatResponse, 4,000 chars", ValueType.of(ChatResponse.class),
						(IntFunction<Object>) i -> chatResponse(1, 4000, i), ENTRIES),
				Arguments.of("ChatResponse, 3 generations + tool call", ValueType.of(ChatResponse.class),
						(IntFunction<Object>) i -> chatResponse(3, 500, i), ENTRIES),
				Arguments.of("record", ValueType.of(Faq.class),
						(IntFunction<Object>) i -> new Faq("question " + i, List.of("yes", "no " + i), i), ENTRIES),
				Arguments.of("List of 100 records", listOf(Faq.class),
						(IntFunction<Object>) i -> faqs(100, i), LARGE_VALUE_ENTRIES),
				Arguments.of("Map of 5", mapOf(Integer.class), (IntFunction<Object>) i -> map(5, i), ENTRIES),
				Arguments.of("Map of 500", mapOf(Integer.class), (IntFunction<Object>) i -> map(500, i),
						LARGE_VALUE_ENTRIES));
	}

	@ParameterizedTest(name = "{0}, decoded from L2")
	@MethodSource("valueTypes")
	void weightIsWithin25PercentOfTheRetainedHeapForDecodedValues(String name, ValueType type,
			IntFunction<Object> values, int entries) {
		assertWithin25Percent(name + " (decoded)", values, entries, value -> decoded(value, type));
	}

	@ParameterizedTest(name = "{0}, as returned")
	@MethodSource("valueTypes")
	void weightIsWithin25PercentOfTheRetainedHeapForValuesAsReturned(String name, ValueType type,
			IntFunction<Object> values, int entries) {
		assertWithin25Percent(name + " (as returned)", values, entries, value -> value);
	}

	private static void assertWithin25Percent(String name, IntFunction<Object> values, int entries,
			java.util.function.UnaryOperator<Object> prepare) {
		LocalTier tier = new LocalTier(Long.MAX_VALUE / 4);
		long empty = GraphLayout.parseInstance(tier).totalSize();
		long now = System.currentTimeMillis();
		for (int i = 0; i < entries; i++) {
			Object value = prepare.apply(values.apply(i));
			tier.put(new CacheKey("ns", null, String.format("%064x", i)),
					new CachedValue(value, "gpt-4o-mini-" + (i % 1), new TokenUsage(12, 34), now, now + 600_000, 0, 100));
		}
		tier.cleanUp();
		assertThat(tier.estimatedSize()).isEqualTo(entries);
		double retained = (double) (GraphLayout.parseInstance(tier).totalSize() - empty) / entries;
		double weighed = (double) tier.weightedSize() / entries;
		System.out.printf("L1 entry | %s | retained %.0f B | weighed %.0f B | %+.1f%%%n", name, retained, weighed,
				100 * (weighed - retained) / retained);
		assertThat(weighed).as(name).isCloseTo(retained, org.assertj.core.data.Percentage.withPercentage(25));
	}

	private static Object decoded(Object value, ValueType type) {
		CachedValue entry = new CachedValue(value, "gpt-4o-mini", new TokenUsage(12, 34), 0, Long.MAX_VALUE / 2, 0, 0);
		return CODEC.deserialize(CODEC.serialize(entry, type), type).value();
	}

	static String text(int length, int i) {
		StringBuilder text = new StringBuilder(length);
		while (text.length() < length) {
			text.append("The answer to question ").append(i).append(" is in the manual, page ").append(text.length()).append(". ");
		}
		return text.substring(0, length);
	}

	static ChatResponse chatResponse(int generations, int length, int i) {
		List<Generation> results = new ArrayList<>();
		for (int g = 0; g < generations; g++) {
			AssistantMessage.Builder message = AssistantMessage.builder().content(text(length, i + g));
			if (g == 2) {
				message.toolCalls(List.of(new AssistantMessage.ToolCall("call_" + i, "function", "weather",
						"{\"city\":\"Paris " + i + "\"}")));
			}
			results.add(new Generation(message.build(), ChatGenerationMetadata.builder().finishReason("STOP").build()));
		}
		return new ChatResponse(results, ChatResponseMetadata.builder()
			.id("chatcmpl-" + i)
			.model("gpt-4o-mini-2024-07-18")
			.usage(new DefaultUsage(20 + i, 5))
			.build());
	}

	static List<Faq> faqs(int count, int i) {
		List<Faq> faqs = new ArrayList<>();
		for (int f = 0; f < count; f++) {
			faqs.add(new Faq("How do I reset password " + i + "/" + f + "?", List.of("Open settings.", "Click reset " + f),
					f));
		}
		return faqs;
	}

	static Map<String, Integer> map(int size, int i) {
		Map<String, Integer> map = new LinkedHashMap<>();
		for (int m = 0; m < size; m++) {
			map.put("key-" + i + "-" + m, 1000 + m);
		}
		return map;
	}

	private static ValueType listOf(Class<?> element) {
		return ValueType.of(new ParameterizedTypeReference<List<Faq>>() {
		}.getType());
	}

	private static ValueType mapOf(Class<?> value) {
		return ValueType.of(new ParameterizedTypeReference<Map<String, Integer>>() {
		}.getType());
	}

}
