package dev.llmcache.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.annotation.LlmCached;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The key contract ({@code docs/keys.md}) end to end, through real contexts, the real OpenAI
 * client against the counting mock server, and a real Redis.
 */
class LlmCacheKeyIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private static final String UUID_1 = "123e4567-e89b-12d3-a456-426614174000";

	private static final String UUID_2 = "9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d";

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	private static ApplicationContextRunner context(String model) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"llmcache.redis.ttl-jitter=0", "llmcache.redis.timeout=5s")
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server, model))
			.withBean(Orders.class, OrdersService::new);
	}

	@Test
	void twoUsersWhoseRequestsDifferOnlyInAnOptedInUuidShareOneCallAndEachGetsTheirOwnId() {
		server.setResponder(request -> "Order " + request.lastUserMessage().substring("Cancel order ".length())
				+ " is cancelled; keep " + request.lastUserMessage().substring("Cancel order ".length()) + " for refunds.");
		context("gpt-4o-mini").run(context -> {
			Orders orders = context.getBean(Orders.class);
			String first = orders.cancel("Cancel order " + UUID_1);
			String second = orders.cancel("Cancel order " + UUID_2);
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(first).isEqualTo("Order " + UUID_1 + " is cancelled; keep " + UUID_1 + " for refunds.");
			assertThat(second).isEqualTo("Order " + UUID_2 + " is cancelled; keep " + UUID_2 + " for refunds.");
			ChatResponse firstChat = orders.cancelChat(new Prompt(new UserMessage("Cancel order " + UUID_1)));
			ChatResponse secondChat = orders.cancelChat(new Prompt(new UserMessage("Cancel order " + UUID_2)));
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(firstChat.getResult().getOutput().getText()).contains(UUID_1).doesNotContain(UUID_2);
			assertThat(secondChat.getResult().getOutput().getText()).contains(UUID_2).doesNotContain(UUID_1);
			String firstLater = orders.cancelLater("Cancel order " + UUID_1).block();
			// An asynchronous result is stored after it reaches the caller.
			String stored = "llmcache:e:" + context.getBean(LlmCacheManager.class)
				.keyFor(Orders.class, "cancelLater", "Cancel order " + UUID_1)
				.hash();
			await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(redis.command("EXISTS", stored)));
			String secondLater = orders.cancelLater("Cancel order " + UUID_2).block();
			assertThat(server.requestCount()).isEqualTo(3);
			assertThat(firstLater).isEqualTo("Order " + UUID_1 + " is cancelled; keep " + UUID_1 + " for refunds.");
			assertThat(secondLater).isEqualTo("Order " + UUID_2 + " is cancelled; keep " + UUID_2 + " for refunds.");
		});
		// Another instance, through Redis only, puts its own caller's id back too.
		context("gpt-4o-mini").run(context -> {
			String third = context.getBean(Orders.class).cancel("Cancel order 00000000-0000-0000-0000-000000000042");
			assertThat(server.requestCount()).isEqualTo(3);
			assertThat(third).isEqualTo("Order 00000000-0000-0000-0000-000000000042 is cancelled; keep "
					+ "00000000-0000-0000-0000-000000000042 for refunds.");
		});
	}

	@Test
	void withoutOptingInRequestsThatDifferInAUuidAreDifferentRequests() {
		context("gpt-4o-mini").run(context -> {
			Orders orders = context.getBean(Orders.class);
			orders.answer("tenant-a", "Cancel order " + UUID_1);
			orders.answer("tenant-a", "Cancel order " + UUID_2);
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void instancesConfiguredWithDifferentModelsNeverShareAnswersThroughRedis() {
		context("gpt-4o").run(context -> {
			String answer = context.getBean(Orders.class).answer("tenant-a", "What is the capital of France?");
			assertThat(answer).contains("model=gpt-4o,");
		});
		context("gpt-4o-mini").run(context -> {
			String answer = context.getBean(Orders.class).answer("tenant-a", "What is the capital of France?");
			assertThat(answer).contains("model=gpt-4o-mini,");
		});
		assertThat(server.requestCount()).isEqualTo(2);
		// The same model on another instance is a hit through Redis.
		context("gpt-4o").run(context -> {
			String answer = context.getBean(Orders.class).answer("tenant-a", "What is the capital of France?");
			assertThat(answer).contains("model=gpt-4o,");
		});
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void aToolContextMakesTheCallBypassTheCacheWithoutFailingIt() {
		context("gpt-4o-mini").run(context -> {
			Orders orders = context.getBean(Orders.class);
			Prompt prompt = new Prompt(List.of(new UserMessage("Weather in Paris?")),
					OpenAiChatOptions.builder().model("gpt-4o-mini").toolContext(Map.of("tenant", new Object())).build());
			assertThat(orders.chat(prompt).getResult().getOutput().getText()).contains("Weather in Paris?");
			orders.chat(prompt);
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void aStripTokensMethodThatCannotPutTokensBackStopsStartup() {
		context("gpt-4o-mini").withBean(BadOrders.class, BadOrdersService::new).run(context -> assertThat(context)
			.getFailure()
			.rootCause()
			.hasMessageContaining("sets @LlmCached(stripTokens = true), but returns java.util.List<java.lang.String>: "
					+ "the caller's tokens can be put back only into a String or ChatResponse result"));
	}

	/**
	 * A workload with encryption on leaves nothing of a prompt, a tenant id or a vector readable
	 * anywhere in Redis: every key and every stream entry is scanned. The same workload without
	 * encryption shows each of them in clear, so the scan can see them.
	 */
	@Test
	void withEncryptionOnNothingDerivedFromAPromptIsStoredInClear() throws Exception {
		String word = "Zanzibar";
		String tenant = "tenant-qx81";
		String question = "How far is " + word + " from the coast?";
		String vector = quantizedBase64(WordEmbeddingModel.vectorOf(question));

		String clear = workload(semanticContext(), tenant, question);
		assertThat(clear).contains(word, tenant, vector);

		redis.flushAll();
		String encrypted = workload(semanticContext().withPropertyValues("llmcache.encryption.enabled=true",
				"llmcache.encryption.keys.k1=" + KEY, "llmcache.encryption.active-key-id=k1"), tenant, question);
		assertThat(encrypted).contains("\"e\"=");
		assertThat(encrypted).doesNotContain(word, tenant, vector, word.toLowerCase());
	}

	private static ApplicationContextRunner semanticContext() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class, LlmCacheSemanticAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"llmcache.redis.ttl-jitter=0", "llmcache.redis.timeout=5s")
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withBean(EmbeddingModel.class, WordEmbeddingModel::new)
			.withBean(SemanticOrders.class, SemanticOrdersService::new);
	}

	/** Runs the workload and returns everything Redis then holds, as text. */
	private static String workload(ApplicationContextRunner runner, String tenant, String question) {
		StringBuilder dump = new StringBuilder();
		runner.run(context -> {
			SemanticOrders orders = context.getBean(SemanticOrders.class);
			orders.ask(tenant, question);
			orders.ask(tenant, question);
			orders.exact(tenant, question);
			waitForStream(context);
			dump.append(dumpRedis(context));
		});
		return dump.toString();
	}

	private static void waitForStream(ApplicationContext context) throws InterruptedException {
		RedisConnectionFactory factory = context.getBean(RedisConnectionFactory.class);
		for (int i = 0; i < 200; i++) {
			try (RedisConnection connection = factory.getConnection()) {
				Long length = connection.streamCommands().xLen("llmcache:semantic".getBytes(StandardCharsets.UTF_8));
				if (length != null && length > 0) {
					return;
				}
			}
			Thread.sleep(25);
		}
		throw new AssertionError("the semantic entry never reached the stream");
	}

	private static String dumpRedis(ApplicationContext context) {
		StringBuilder dump = new StringBuilder();
		try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
			for (byte[] key : connection.keyCommands().keys("*".getBytes(StandardCharsets.UTF_8))) {
				dump.append("KEY ").append(text(key)).append('\n');
				DataType type = connection.keyCommands().type(key);
				switch (type) {
					case STRING -> dump.append(text(connection.stringCommands().get(key))).append('\n');
					case HASH -> connection.hashCommands()
						.hGetAll(key)
						.forEach((field, value) -> dump.append(text(field)).append('=').append(text(value)).append('\n'));
					case LIST -> connection.listCommands().lRange(key, 0, -1).forEach(v -> dump.append(text(v)).append('\n'));
					case SET -> connection.setCommands().sMembers(key).forEach(v -> dump.append(text(v)).append('\n'));
					case ZSET -> connection.zSetCommands().zRange(key, 0, -1).forEach(v -> dump.append(text(v)).append('\n'));
					case STREAM -> {
						List<ByteRecord> records = connection.streamCommands().xRange(key, Range.unbounded());
						for (ByteRecord record : records) {
							record.getValue().forEach((field, value) -> dump.append('"')
								.append(text(field))
								.append("\"=")
								.append(text(value))
								.append('\n'));
						}
					}
					default -> dump.append("(").append(type).append(")\n");
				}
			}
		}
		return dump.toString();
	}

	private static String text(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.ISO_8859_1) : "null";
	}

	/** The vector as the stream's payload version 2 carries it: a float scale, a signed byte per dimension. */
	private static String quantizedBase64(float[] vector) {
		float max = 0;
		for (float x : vector) {
			max = Math.max(max, Math.abs(x));
		}
		float scale = max / 127;
		ByteBuffer buffer = ByteBuffer.allocate(4 + vector.length).order(ByteOrder.LITTLE_ENDIAN);
		buffer.putFloat(scale);
		for (float x : vector) {
			buffer.put((byte) Math.max(-127, Math.min(127, Math.round(x / scale))));
		}
		return Base64.getEncoder().encodeToString(buffer.array());
	}

	public interface Orders {

		@LlmCached(stripTokens = true)
		String cancel(String request);

		@LlmCached(stripTokens = true)
		ChatResponse cancelChat(Prompt prompt);

		@LlmCached(stripTokens = true)
		Mono<String> cancelLater(String request);

		/** The Quick start's shape: no Prompt argument, ChatClient or ChatModel called inside. */
		@LlmCached
		String answer(String tenant, String question);

		@LlmCached
		ChatResponse chat(Prompt prompt);

	}

	static class OrdersService implements Orders {

		private ChatModel model;

		@org.springframework.beans.factory.annotation.Autowired
		void chatModel(ChatModel model) {
			this.model = model;
		}

		@Override
		public String cancel(String request) {
			return this.model.call(request);
		}

		@Override
		public ChatResponse cancelChat(Prompt prompt) {
			return this.model.call(prompt);
		}

		@Override
		public Mono<String> cancelLater(String request) {
			return Mono.fromCallable(() -> this.model.call(request));
		}

		@Override
		public String answer(String tenant, String question) {
			return this.model.call(question);
		}

		@Override
		public ChatResponse chat(Prompt prompt) {
			return this.model.call(prompt);
		}

	}

	public interface BadOrders {

		@LlmCached(stripTokens = true)
		List<String> steps(String dish);

	}

	static class BadOrdersService implements BadOrders {

		@Override
		public List<String> steps(String dish) {
			return List.of(dish);
		}

	}

	public interface SemanticOrders {

		@LlmCached(semantic = true, partition = "#tenant")
		String ask(String tenant, String question);

		@LlmCached(partition = "#tenant")
		String exact(String tenant, String question);

	}

	static class SemanticOrdersService implements SemanticOrders {

		private ChatModel model;

		@org.springframework.beans.factory.annotation.Autowired
		void chatModel(ChatModel model) {
			this.model = model;
		}

		@Override
		public String ask(String tenant, String question) {
			return this.model.call(question);
		}

		@Override
		public String exact(String tenant, String question) {
			return this.model.call(question + " exactly");
		}

	}

	/** A deterministic embedding: each word adds to one of 32 dimensions; unit length. */
	static final class WordEmbeddingModel implements EmbeddingModel {

		static float[] vectorOf(String text) {
			float[] vector = new float[32];
			for (String word : text.toLowerCase().split("\\W+")) {
				if (!word.isEmpty()) {
					vector[Math.floorMod(word.hashCode(), 32)] += 1;
				}
			}
			double norm = 0;
			for (float value : vector) {
				norm += value * value;
			}
			float scale = (norm > 0) ? (float) (1 / Math.sqrt(norm)) : 0;
			for (int i = 0; i < vector.length; i++) {
				vector[i] *= scale;
			}
			return vector;
		}

		@Override
		public EmbeddingResponse call(EmbeddingRequest request) {
			List<Embedding> embeddings = new ArrayList<>();
			int index = 0;
			for (String text : request.getInstructions()) {
				embeddings.add(new Embedding(vectorOf(text), index++));
			}
			return new EmbeddingResponse(embeddings);
		}

		@Override
		public float[] embed(Document document) {
			return vectorOf(document.getText());
		}

		@Override
		public int dimensions() {
			return 32;
		}

	}

}
