package dev.llmcache.key;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DefaultLlmCacheKeyGeneratorTests {

	private static final String ADVICE = "; pass a value type (String, record, JavaBean, Spring AI Prompt) "
			+ "or set @LlmCached(key = ...)";

	private final DefaultLlmCacheKeyGenerator generator = new DefaultLlmCacheKeyGenerator(
			PromptNormalizer.defaults());

	@Test
	void sameInputsGiveTheSameKey() {
		CacheKey first = key(prompt("Be brief.", "Capital of France?", openAi("gpt-4o-mini", 0.2)));
		CacheKey second = key(prompt("Be brief.", "Capital of France?", openAi("gpt-4o-mini", 0.2)));
		assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
		assertThat(first.hash()).matches("[0-9a-f]{64}");
		assertThat(first.namespace()).isEqualTo("ns");
		assertThat(first.partition()).isNull();
	}

	@Test
	void aDifferentModelGivesADifferentKey() {
		assertThat(key(prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2))))
			.isNotEqualTo(key(prompt("Be brief.", "Hi", openAi("gpt-4o", 0.2))));
	}

	@Test
	void aDifferentTemperatureGivesADifferentKey() {
		assertThat(key(prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2))))
			.isNotEqualTo(key(prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.3))));
	}

	@Test
	void aDifferentSystemPromptGivesADifferentKey() {
		assertThat(key(prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2))))
			.isNotEqualTo(key(prompt("Be verbose.", "Hi", openAi("gpt-4o-mini", 0.2))));
	}

	@Test
	void aDifferentHistoryGivesADifferentKey() {
		List<Message> oneHistory = List.of(new UserMessage("Capital of France?"), new AssistantMessage("Paris."),
				new UserMessage("And of Italy?"));
		List<Message> otherHistory = List.of(new UserMessage("Capital of Spain?"), new AssistantMessage("Madrid."),
				new UserMessage("And of Italy?"));
		assertThat(key(new Prompt(oneHistory))).isNotEqualTo(key(new Prompt(otherHistory)));
		assertThat(key(oneHistory)).isNotEqualTo(key(otherHistory));
		assertThat(key(oneHistory)).isEqualTo(key(new ArrayList<>(oneHistory)));
	}

	@Test
	void aDifferentToolSetGivesADifferentKey() {
		ToolCallback weather = tool("weather", "Current weather of a city");
		ToolCallback time = tool("time", "Current time in a city");
		CacheKey withWeather = key(prompt("Be brief.", "Hi", openAiWithTools(weather)));
		CacheKey withBoth = key(prompt("Be brief.", "Hi", openAiWithTools(weather, time)));
		CacheKey withOtherDescription = key(
				prompt("Be brief.", "Hi", openAiWithTools(tool("weather", "Weather forecast of a city"))));
		CacheKey withoutTools = key(prompt("Be brief.", "Hi", openAiWithTools()));
		assertThat(Set.of(withWeather, withBoth, withOtherDescription, withoutTools)).hasSize(4);
	}

	@Test
	void theOrderOfToolsDoesNotMatter() {
		ToolCallback weather = tool("weather", "Current weather of a city");
		ToolCallback time = tool("time", "Current time in a city");
		assertThat(key(prompt("Be brief.", "Hi", openAiWithTools(weather, time))))
			.isEqualTo(key(prompt("Be brief.", "Hi", openAiWithTools(time, weather))));
	}

	@Test
	void theMemberOrderOfAToolSchemaDoesNotMatter() {
		ToolCallback one = tool("weather", "Weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
		ToolCallback other = tool("weather", "Weather",
				"{ \"properties\": { \"city\": { \"type\": \"string\" } }, \"type\": \"object\" }");
		assertThat(key(prompt("Be brief.", "Hi", openAiWithTools(one))))
			.isEqualTo(key(prompt("Be brief.", "Hi", openAiWithTools(other))));
	}

	@Test
	void aDifferentPartitionGivesADifferentKey() {
		Prompt prompt = prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2));
		CacheKey tenantA = this.generator.generate(request("ns", "tenant-a", true, prompt));
		CacheKey tenantB = this.generator.generate(request("ns", "tenant-b", true, prompt));
		CacheKey shared = this.generator.generate(request("ns", null, true, prompt));
		assertThat(tenantA.partition()).isEqualTo("tenant-a");
		assertThat(Set.of(tenantA.hash(), tenantB.hash(), shared.hash())).hasSize(3);
	}

	@Test
	void aDifferentNamespaceGivesADifferentKey() {
		Prompt prompt = prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2));
		CacheKey one = this.generator.generate(request("one", null, true, prompt));
		CacheKey other = this.generator.generate(request("other", null, true, prompt));
		assertThat(one.hash()).isNotEqualTo(other.hash());
		assertThat(one).isNotEqualTo(other);
	}

	@Test
	void transportAndCredentialOptionsDoNotChangeTheKey() {
		OpenAiChatOptions plain = OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.2).build();
		OpenAiChatOptions configured = OpenAiChatOptions.builder()
			.model("gpt-4o-mini")
			.temperature(0.2)
			.apiKey("sk-secret")
			.baseUrl("https://proxy.example.com/v1")
			.organizationId("org-1")
			.timeout(Duration.ofSeconds(5))
			.maxRetries(7)
			.customHeaders(Map.of("X-Trace", "abc"))
			.user("end-user-7")
			.streamOptions(OpenAiChatOptions.StreamOptions.builder().includeUsage(true).build())
			.build();
		assertThat(key(prompt("Be brief.", "Hi", plain))).isEqualTo(key(prompt("Be brief.", "Hi", configured)));
		assertThat(canonical(prompt("Be brief.", "Hi", configured))).doesNotContain("sk-secret", "proxy.example.com");
	}

	@Test
	void aToolContextMakesTheCallUncacheable() {
		OpenAiChatOptions withContext = OpenAiChatOptions.builder()
			.model("gpt-4o-mini")
			.toolContext(Map.of("tenant", "a"))
			.build();
		assertThatExceptionOfType(UncacheableCallException.class).isThrownBy(() -> key(prompt("Be brief.", "Hi", withContext)))
			.withMessage("Cannot build an llmcache key for " + Service.class.getName() + ".ask(Object): at "
					+ "request.options.toolContext, the chat option toolContext holds application objects that decide "
					+ "what the tools return, which a key cannot make canonical; such calls bypass the cache. Set "
					+ "@LlmCached(key = ...) to state what the answer depends on, and they are cached under that key");
		OpenAiChatOptions emptyContext = OpenAiChatOptions.builder().model("gpt-4o-mini").toolContext(Map.of()).build();
		assertThat(key(prompt("Be brief.", "Hi", emptyContext)))
			.isEqualTo(key(prompt("Be brief.", "Hi", OpenAiChatOptions.builder().model("gpt-4o-mini").build())));
	}

	@Test
	void theDeploymentNameIsKeyed() {
		assertThat(key(prompt("Be brief.", "Hi", OpenAiChatOptions.builder().deploymentName("gpt-4o").build())))
			.isNotEqualTo(key(prompt("Be brief.", "Hi", OpenAiChatOptions.builder().deploymentName("gpt-35").build())));
	}

	@Test
	void optionsFromTheOpenAiBuilderAndTheGenericBuilderGiveKeys() {
		Prompt viaOpenAi = prompt("Be brief.", "Hi", openAi("gpt-4o-mini", 0.2));
		Prompt viaChatOptions = prompt("Be brief.", "Hi",
				ChatOptions.builder().model("gpt-4o-mini").temperature(0.2).build());
		assertThat(canonical(viaOpenAi)).contains("\"options\":{\"@type\":\"" + OpenAiChatOptions.class.getName()
				+ "\",\"gitHubModels\":false,\"microsoftFoundry\":false,\"model\":\"gpt-4o-mini\",\"temperature\":0.2}");
		// The options class is part of the request: providers merge and read their own classes differently.
		assertThat(key(viaChatOptions)).isNotEqualTo(key(viaOpenAi));
		assertThat(key(viaChatOptions))
			.isNotEqualTo(key(prompt("Be brief.", "Hi", ChatOptions.builder().model("gpt-4o").temperature(0.2).build())));
		assertThat(key(viaOpenAi)).isNotEqualTo(key(prompt("Be brief.", "Hi",
				OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.2).seed(42).build())));
	}

	@Test
	void aPromptWithoutOptionsHasNullOptions() {
		assertThat(canonical(new Prompt("Hi"))).isEqualTo(
				"{\"args\":[{\"@type\":\"prompt\",\"messages\":[{\"role\":\"user\",\"text\":\"Hi\"}],\"options\":null}],"
						+ "\"model\":null,\"ns\":\"ns\",\"p\":null,\"v\":2}");
	}

	@Test
	void normalizationMakesWhitespaceVariantsEqual() {
		assertThat(key("Hello   world")).isEqualTo(key(" Hello world "));
		assertThat(key(new Prompt("Hello   world"))).isEqualTo(key(new Prompt(" Hello world ")));
	}

	@Test
	void dynamicTokensAreKeyedUnlessTheRequestStripsThem() {
		Prompt one = new Prompt(new UserMessage("id 123e4567-e89b-12d3-a456-426614174000 now"));
		Prompt other = new Prompt(new UserMessage("id 00000000-0000-0000-0000-000000000000 now"));
		assertThat(key(one)).isNotEqualTo(key(other));
		PlaceholderKey stripped = this.generator.generateWithPlaceholders(stripping(one));
		assertThat(stripped.key()).isEqualTo(this.generator.generate(stripping(other)));
		assertThat(stripped.placeholders().tokens()).containsExactly("123e4567-e89b-12d3-a456-426614174000");
		assertThat(this.generator.canonicalForm(stripping(one))).contains("\"text\":\"id \u27e61\u27e7 now\"");
		assertThat(this.generator.generateWithPlaceholders(stripping(other)).placeholders().tokens())
			.containsExactly("00000000-0000-0000-0000-000000000000");
	}

	private static KeyRequest stripping(Object argument) {
		return new KeyRequest("ns", null, true, true, null, method("ask", Object.class),
				List.of(new KeyArgument("request", argument)));
	}

	@Test
	void withoutNormalizationWhitespaceVariantsDiffer() {
		CacheKey one = this.generator.generate(request("ns", null, false, "Hello   world"));
		CacheKey other = this.generator.generate(request("ns", null, false, " Hello world "));
		assertThat(one).isNotEqualTo(other);
		assertThat(this.generator.generate(request("ns", null, false, new Prompt("Hello   world"))))
			.isNotEqualTo(this.generator.generate(request("ns", null, false, new Prompt(" Hello world "))));
	}

	@Test
	void normalizationLeavesStringsInsideValuesAlone() {
		record Lookup(String sessionId) {
		}
		assertThat(key(new Lookup("123e4567-e89b-12d3-a456-426614174000")))
			.isNotEqualTo(key(new Lookup("00000000-0000-0000-0000-000000000000")));
	}

	@Test
	void messageMetadataDoesNotChangeTheKey() {
		UserMessage plain = new UserMessage("Hi");
		UserMessage withMetadata = UserMessage.builder().text("Hi").metadata(Map.of("requestId", "r-1")).build();
		assertThat(key(new Prompt(plain))).isEqualTo(key(new Prompt(withMetadata)));
	}

	@Test
	void mediaCountsByContentNotByName() {
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', 1, 2, 3 };
		Media one = Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(png).build();
		Media same = Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(png.clone()).name("other").build();
		Media other = Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(new byte[] { 9 }).build();
		CacheKey withOne = key(new Prompt(UserMessage.builder().text("Describe").media(one).build()));
		assertThat(withOne).isEqualTo(key(new Prompt(UserMessage.builder().text("Describe").media(same).build())));
		assertThat(withOne).isNotEqualTo(key(new Prompt(UserMessage.builder().text("Describe").media(other).build())));
		assertThat(withOne).isNotEqualTo(key(new Prompt(new UserMessage("Describe"))));
		assertThat(canonical(new Prompt(UserMessage.builder().text("Describe").media(one).build())))
			.contains("\"media\":[{\"mime\":\"image/png\",\"sha256\":\"");
	}

	@Test
	void toolCallsAndToolResponsesArePartOfTheHistory() {
		AssistantMessage call = AssistantMessage.builder()
			.toolCalls(List.of(new AssistantMessage.ToolCall("call-1", "function", "weather", "{\"city\":\"Paris\"}")))
			.build();
		ToolResponseMessage response = ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse("call-1", "weather", "{\"celsius\":21}")))
			.build();
		ToolResponseMessage otherResponse = ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse("call-1", "weather", "{\"celsius\":5}")))
			.build();
		UserMessage question = new UserMessage("Weather in Paris?");
		assertThat(key(List.of(question, call, response))).isNotEqualTo(key(List.of(question, call, otherResponse)));
		assertThat(canonical(List.of(question, call, response))).isEqualTo("{\"args\":[[" //
				+ "{\"role\":\"user\",\"text\":\"Weather in Paris?\"}," //
				+ "{\"role\":\"assistant\",\"text\":\"\",\"toolCalls\":[{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\","
				+ "\"id\":\"call-1\",\"name\":\"weather\",\"type\":\"function\"}]}," //
				+ "{\"responses\":[{\"id\":\"call-1\",\"name\":\"weather\",\"responseData\":\"{\\\"celsius\\\":21}\"}],"
				+ "\"role\":\"tool\",\"text\":\"\"}" //
				+ "]],\"model\":null,\"ns\":\"ns\",\"p\":null,\"v\":2}");
	}

	@Test
	void anArgumentWithoutReadablePropertiesIsRejected() {
		KeyRequest request = new KeyRequest("ns", null, true, method("ask", Object.class),
				List.of(new KeyArgument("request", new Handle())));
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> this.generator.generate(request))
			.withMessage("Cannot build an llmcache key for parameter 'request' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): "
					+ "type dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Handle has no readable properties"
					+ ADVICE);
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.canonicalForm(request))
			.withMessageContaining("has no readable properties");
	}

	@Test
	void theMessageNamesTheOffendingPartOfANestedValue() {
		Upload upload = new Upload("report.pdf", new ByteArrayInputStream(new byte[0]));
		KeyRequest request = new KeyRequest("ns", null, true, method("ask", Object.class),
				List.of(new KeyArgument("request", Map.of("uploads", List.of(upload)))));
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> this.generator.generate(request))
			.withMessage("Cannot build an llmcache key for parameter 'request' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): "
					+ "type java.io.ByteArrayInputStream at request[uploads][0].content "
					+ "is a stream, which a key cannot read without consuming it" + ADVICE);
	}

	@Test
	void aLambdaArgumentIsRejected() {
		Supplier<String> supplier = () -> "Hi";
		KeyRequest request = new KeyRequest("ns", null, true, method("ask", Object.class),
				List.of(new KeyArgument("request", supplier)));
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> this.generator.generate(request))
			.withMessageStartingWith("Cannot build an llmcache key for parameter 'request' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): type "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$$Lambda")
			.withMessageEndingWith(" is a function or lambda" + ADVICE);
	}

	@Test
	void aCycleIsRejected() {
		List<Object> cycle = new ArrayList<>();
		cycle.add("Hi");
		cycle.add(cycle);
		KeyRequest request = new KeyRequest("ns", null, true, method("ask", Object.class),
				List.of(new KeyArgument("request", cycle)));
		assertThatExceptionOfType(KeyGenerationException.class).isThrownBy(() -> this.generator.generate(request))
			.withMessage("Cannot build an llmcache key for parameter 'request' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): "
					+ "the value is nested deeper than 32 levels or contains a cycle" + ADVICE);
	}

	@Test
	void anSdkToolChoiceObjectMakesTheCallUncacheable() {
		ChatCompletionToolChoiceOption choice = ChatCompletionToolChoiceOption
			.ofNamedToolChoice(ChatCompletionNamedToolChoice.builder()
				.function(ChatCompletionNamedToolChoice.Function.builder().name("weather").build())
				.build());
		Prompt prompt = prompt("Be brief.", "Hi",
				OpenAiChatOptions.builder().model("gpt-4o-mini").toolChoice(choice).build());
		assertThatExceptionOfType(UncacheableCallException.class).isThrownBy(() -> key(prompt))
			.withMessage("Cannot build an llmcache key for "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): at request.options.toolChoice, "
					+ "the chat option toolChoice cannot be made canonical (type "
					+ "com.openai.models.chat.completions.ChatCompletionToolChoiceOption cannot be a canonical tool choice; "
					+ "set the tool choice as a String (\"auto\", \"none\", \"required\" or its JSON)); such calls "
					+ "bypass the cache. Set @LlmCached(key = ...) to state what the answer depends on, and they are "
					+ "cached under that key");
		assertThat(key(prompt("Be brief.", "Hi",
				OpenAiChatOptions.builder().model("gpt-4o-mini").toolChoice("required").build())))
			.isNotEqualTo(key(prompt("Be brief.", "Hi",
					OpenAiChatOptions.builder().model("gpt-4o-mini").toolChoice("none").build())));
	}

	@Test
	void validateRejectsAnInputStreamParameterAtStartup() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.validate(method("upload", String.class, InputStream.class)))
			.withMessage("Cannot build an llmcache key for parameter 'content' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.upload(String,InputStream): "
					+ "type java.io.InputStream is a stream, which a key cannot read without consuming it" + ADVICE);
	}

	@Test
	void validateRejectsAnObjectParameter() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.validate(method("ask", Object.class)))
			.withMessage("Cannot build an llmcache key for parameter 'request' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.ask(Object): "
					+ "type java.lang.Object is too general to be made canonical" + ADVICE);
	}

	@Test
	void validateRejectsAClassWithoutReadableProperties() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.validate(method("handle", Handle.class)))
			.withMessage("Cannot build an llmcache key for parameter 'handle' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.handle(Handle): "
					+ "type dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Handle has no readable properties"
					+ ADVICE);
	}

	@Test
	void validateLooksIntoElementTypesAndComponents() {
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.validate(method("uploads", List.class)))
			.withMessage("Cannot build an llmcache key for parameter 'uploads' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.uploads(List): "
					+ "type java.io.InputStream at uploads[].content "
					+ "is a stream, which a key cannot read without consuming it" + ADVICE);
		assertThatExceptionOfType(KeyGenerationException.class)
			.isThrownBy(() -> this.generator.validate(method("suppliers", Map.class)))
			.withMessage("Cannot build an llmcache key for parameter 'suppliers' of "
					+ "dev.llmcache.key.DefaultLlmCacheKeyGeneratorTests$Service.suppliers(Map): "
					+ "type java.util.function.Supplier at suppliers[] is a function or lambda" + ADVICE);
	}

	@Test
	void validateAcceptsValueTypes() {
		for (Method method : Service.class.getDeclaredMethods()) {
			if (method.getName().startsWith("ok")) {
				this.generator.validate(method);
			}
		}
		assertThat(Arrays.stream(Service.class.getDeclaredMethods()).filter(m -> m.getName().startsWith("ok")))
			.hasSize(4);
	}

	@Test
	void keysAreTheSameFromManyThreads() throws Exception {
		Prompt prompt = prompt("Be brief.", "Capital of France?", openAiWithTools(tool("weather", "Weather")));
		String expected = key(prompt).hash();
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<String>> hashes = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				hashes.add(executor.submit(() -> key(prompt).hash()));
			}
			for (Future<String> hash : hashes) {
				assertThat(hash.get()).isEqualTo(expected);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void cacheKeyToStringShowsOnlyTheHash() {
		CacheKey key = this.generator.generate(request("ns", "tenant-a", true, "my secret question"));
		assertThat(key.toString()).isEqualTo("CacheKey[namespace=ns, partition=tenant-a, hash=" + key.hash() + "]")
			.doesNotContain("secret");
	}

	private CacheKey key(Object argument) {
		return this.generator.generate(request("ns", null, true, argument));
	}

	private String canonical(Object argument) {
		return this.generator.canonicalForm(request("ns", null, true, argument));
	}

	private static KeyRequest request(String namespace, String partition, boolean normalize, Object argument) {
		return new KeyRequest(namespace, partition, normalize, method("ask", Object.class),
				List.of(new KeyArgument("request", argument)));
	}

	private static Method method(String name, Class<?>... parameterTypes) {
		try {
			return Service.class.getDeclaredMethod(name, parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Prompt prompt(String system, String user, ChatOptions options) {
		return new Prompt(List.of(new SystemMessage(system), new UserMessage(user)), options);
	}

	private static OpenAiChatOptions openAi(String model, double temperature) {
		return OpenAiChatOptions.builder().model(model).temperature(temperature).build();
	}

	private static OpenAiChatOptions openAiWithTools(ToolCallback... tools) {
		return OpenAiChatOptions.builder().model("gpt-4o-mini").toolCallbacks(List.of(tools)).build();
	}

	static ToolCallback tool(String name, String description) {
		return tool(name, description, "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
				+ "\"required\":[\"city\"]}");
	}

	static ToolCallback tool(String name, String description, String schema) {
		ToolDefinition definition = ToolDefinition.builder()
			.name(name)
			.description(description)
			.inputSchema(schema)
			.build();
		return new ToolCallback() {

			@Override
			public ToolDefinition getToolDefinition() {
				return definition;
			}

			@Override
			public String call(String toolInput) {
				return "";
			}

		};
	}

	static final class Handle {

		void close() {
		}

	}

	record Upload(String name, InputStream content) {
	}

	record Question(String text, List<String> tags) {
	}

	interface Service {

		String ask(Object request);

		String upload(String name, InputStream content);

		String handle(Handle handle);

		String uploads(List<Upload> uploads);

		String suppliers(Map<String, Supplier<String>> suppliers);

		String okPrompt(Prompt prompt, String user);

		String okMessages(List<Message> messages, Map<String, Object> context);

		String okRecord(Question question, Set<Question> more, Question... rest);

		<T> String okGeneric(T value, Number number, CharSequence text);

	}

}
