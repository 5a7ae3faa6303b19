package dev.llmcache.key;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Fixed requests whose keys are pinned by {@link GoldenKeysTests}, shared with
 * {@link GoldenKeysPrinter} so that a fresh JVM builds exactly the same requests.
 */
final class GoldenKeys {

	private GoldenKeys() {
	}

	/**
	 * @return the requests by name, in a fixed order
	 */
	static Map<String, KeyRequest> requests() {
		Map<String, KeyRequest> requests = new LinkedHashMap<>();
		requests.put("string", request(true, "  What is   the capital of France? "));
		requests.put("record", request(false, new Question("capital of France", 3, 0.7, Level.EXPERT,
				List.of("geo", "europe"), UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
				Instant.parse("2024-05-01T10:15:30Z"), new BigDecimal("12.50"))));
		requests.put("prompt", request(true, new Prompt(
				List.of(new SystemMessage("You answer in one word."), new UserMessage("Capital of France?")),
				OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build())));
		Map<Object, Object> map = new HashMap<>();
		map.put("question", "Capital of France?");
		map.put("maxTokens", 64);
		map.put("temperature", 0.2);
		map.put("tags", Set.of("b", "a", "c"));
		map.put("nothing", null);
		requests.put("map", request(false, map));
		List<Message> history = List.of(new SystemMessage("Be brief."), new UserMessage("Capital of France?"),
				new AssistantMessage("Paris."), new UserMessage("And of Italy?"));
		requests.put("messages", request(true, history));
		OpenAiChatOptions options = OpenAiChatOptions.builder()
			.model("gpt-4o-mini")
			.temperature(0.7)
			.topP(0.9)
			.maxTokens(256)
			.seed(42)
			.stop(List.of("END"))
			.toolCallbacks(List.of(new Tool("weather", "Current weather of a city", CITY_SCHEMA),
					new Tool("time", "Current time in a city", CITY_SCHEMA)))
			.toolChoice("auto")
			.responseFormat(OpenAiChatModel.ResponseFormat.builder()
				.type(OpenAiChatModel.ResponseFormat.Type.JSON_OBJECT)
				.build())
			.apiKey("sk-not-part-of-the-key")
			.build();
		requests.put("tools", new KeyRequest("golden", "tenant-1", true, method(),
				List.of(new KeyArgument("prompt", new Prompt(List.of(new UserMessage("Weather in Paris?")), options)),
						new KeyArgument("locale", Locale.FRANCE))));
		Map<String, Object> values = new HashMap<>();
		values.put("bytes", new byte[] { 0, 1, 2, (byte) 255 });
		values.put("float", 0.1f);
		values.put("nan", Double.NaN);
		values.put("big", new BigInteger("12345678901234567890"));
		values.put("date", LocalDate.of(2020, 1, 1));
		values.put("duration", Duration.ofSeconds(90));
		values.put("empty", Optional.empty());
		values.put("text", "caf\u00e9 \ud83d\ude00 \"quoted\"\n");
		values.put("nested", List.of(Set.of(3, 1, 2), Map.of(2, "two", 1, "one")));
		requests.put("values", request(false, values));
		// Format 2: runtime types where the declared type is open, placeholders, model fingerprint.
		requests.put("sealed", request(false, List.of(new TurnOn("lamp"), new TurnOff("lamp"))));
		requests.put("code", request(true, "Fix this:\r\n```python\ndef f(x):\n    return  x  \n```\n"));
		requests.put("placeholders", new KeyRequest("golden", null, true, true, null, method(),
				List.of(new KeyArgument("argument", "Cancel order 123e4567-e89b-12d3-a456-426614174000 now"))));
		requests.put("model", request(true, "Capital of France?").withModel(
				"5d41402abc4b2a76b9719d911017c592bb1f2e0b26d4f1e6b0a6f7b0a6f7b0a6"));
		return requests;
	}

	private static KeyRequest request(boolean normalize, Object argument) {
		return new KeyRequest("golden", null, normalize, method(), List.of(new KeyArgument("argument", argument)));
	}

	private static Method method() {
		try {
			return GoldenKeys.class.getDeclaredMethod("ask", Object.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String ask(Object argument) {
		return "";
	}

	static DefaultLlmCacheKeyGenerator generator() {
		return new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults());
	}

	private static final String CITY_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":"
			+ "{\"type\":\"string\"}},\"required\":[\"city\"]}";

	record Tool(String name, String description, String schema) implements ToolCallback {

		@Override
		public ToolDefinition getToolDefinition() {
			return ToolDefinition.builder().name(this.name).description(this.description).inputSchema(this.schema).build();
		}

		@Override
		public String call(String toolInput) {
			return "";
		}

	}

	record Question(String text, int count, double temperature, Level level, List<String> tags, UUID id,
			Instant asOf, BigDecimal budget) {
	}

	sealed interface Command permits TurnOn, TurnOff {
	}

	record TurnOn(String device) implements Command {
	}

	record TurnOff(String device) implements Command {
	}

	enum Level {

		BEGINNER, EXPERT

	}

}
