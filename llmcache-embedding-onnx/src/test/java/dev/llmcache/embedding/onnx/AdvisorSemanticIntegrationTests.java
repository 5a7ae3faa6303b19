package dev.llmcache.embedding.onnx;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.llmcache.advisor.LlmCacheAdvisor;
import dev.llmcache.autoconfigure.LlmCacheAdvisorAutoConfiguration;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.semantic.ShadowStats;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The ChatClient advisor with {@code llmcache.advisor.semantic=true}, end to end: a real
 * {@code ChatClient} over the real Spring AI OpenAI client against the counting mock server, the
 * real ONNX model and a real Redis. The mock answers "Answer to: <question>", so a served
 * paraphrase carries the first question; a hit is proven by the request count not moving.
 */
class AdvisorSemanticIntegrationTests {

	private static final String QUESTION = "How do I reset my password?";

	private static final String PARAPHRASE = "What are the steps to reset my password?";

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private final List<CallEvent> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner contexts() {
		return SemanticContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withBean(LlmCacheListener.class, () -> this.events::add)
			.withPropertyValues("llmcache.advisor.semantic=true");
	}

	private static ChatClient chat(ApplicationContext context) {
		return ChatClient.builder(context.getBean(ChatModel.class))
			.defaultAdvisors(context.getBean(LlmCacheAdvisor.class))
			.build();
	}

	private CallEvent lastEvent() {
		return this.events.get(this.events.size() - 1);
	}

	@Test
	void aParaphraseThroughCallIsAnsweredFromTheSemanticTier() {
		contexts().run(context -> {
			assertThat(context.getBean(LlmCacheAdvisor.class).isSemantic()).isTrue();
			ChatClient chat = chat(context);
			String first = chat.prompt().user(QUESTION).call().content();
			ChatClientResponse second = chat.prompt().user(PARAPHRASE).call().chatClientResponse();
			assertThat(first).startsWith("Answer to: " + QUESTION);
			assertThat(second.chatResponse().getResult().getOutput().getText()).isEqualTo(first);
			assertThat(second.context()).containsEntry(LlmCacheAdvisor.CACHED, true);
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(lastEvent().outcome()).isEqualTo(Outcome.SEMANTIC_HIT);
			assertThat(lastEvent().namespace()).isEqualTo(LlmCacheAdvisor.DEFAULT_NAMESPACE);
			assertThat(lastEvent().similarity()).isBetween(0.85, 1.0);
		});
	}

	@Test
	void nearMissesTheGuardsRejectCallTheModel() {
		contexts().run(context -> {
			ChatClient chat = chat(context);
			List<List<String>> nearMisses = List.of(List.of("How do I turn on dark mode?", "How do I turn off dark mode?"),
					List.of("Why is my code working?", "Why is my code not working?"),
					List.of("How do I sort a list in Python?", "How do I sort a list in Java?"));
			for (List<String> pair : nearMisses) {
				assertThat(chat.prompt().user(pair.get(0)).call().content()).startsWith("Answer to: " + pair.get(0));
				assertThat(chat.prompt().user(pair.get(1)).call().content()).startsWith("Answer to: " + pair.get(1));
			}
			assertThat(server.requestCount()).isEqualTo(2 * nearMisses.size());
			assertThat(this.events).extracting(CallEvent::outcome).doesNotContain(Outcome.SEMANTIC_HIT);
		});
	}

	@Test
	void aParaphraseThroughStreamIsAnsweredFromTheSemanticTier() {
		contexts().run(context -> {
			ChatClient chat = chat(context);
			String first = String.join("", chat.prompt().user(QUESTION).stream().content().collectList().block());
			String second = String.join("", chat.prompt().user(PARAPHRASE).stream().content().collectList().block());
			assertThat(first).startsWith("Answer to: " + QUESTION);
			assertThat(second).isEqualTo(first);
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(lastEvent().outcome()).isEqualTo(Outcome.SEMANTIC_HIT);

			String on = String.join("",
					chat.prompt().user("How do I turn on dark mode?").stream().content().collectList().block());
			String off = String.join("",
					chat.prompt().user("How do I turn off dark mode?").stream().content().collectList().block());
			assertThat(on).startsWith("Answer to: How do I turn on dark mode?");
			assertThat(off).startsWith("Answer to: How do I turn off dark mode?");
			assertThat(server.requestCount()).isEqualTo(3);
		});
	}

	@Test
	void aRequestTurnsItOffOrRaisesTheThresholdWithAnAdvisorParameter() {
		contexts().run(context -> {
			ChatClient chat = chat(context);
			chat.prompt().user(QUESTION).call().content();
			String exactOnly = chat.prompt()
				.user(PARAPHRASE)
				.advisors(a -> a.param(LlmCacheAdvisor.SEMANTIC, false))
				.call()
				.content();
			assertThat(exactOnly).startsWith("Answer to: " + PARAPHRASE);
			assertThat(server.requestCount()).isEqualTo(2);

			String other = "Can you tell me how to reset my password?";
			chat.prompt().user(other).call().content();
			assertThat(lastEvent().outcome()).isEqualTo(Outcome.SEMANTIC_HIT);
			double similarity = lastEvent().similarity();
			assertThat(server.requestCount()).isEqualTo(2);
			double stricter = Math.min(1.0, similarity + 0.005);
			String strict = chat.prompt()
				.user(other)
				.advisors(a -> a.param(LlmCacheAdvisor.MIN_SIMILARITY, stricter))
				.call()
				.content();
			// The exact entry of "other" does not exist: it was answered by a paraphrase.
			assertThat(strict).startsWith("Answer to: " + other);
			assertThat(server.requestCount()).isEqualTo(3);

			// A lower value never lowers the configured threshold.
			chat.prompt().user("Give me the password reset steps").advisors(a -> a.param(LlmCacheAdvisor.MIN_SIMILARITY, 0.0))
				.call()
				.content();
			assertThat(lastEvent().similarity()).satisfiesAnyOf(s -> assertThat(s).isNull(),
					s -> assertThat(s).isGreaterThanOrEqualTo(0.85));

			assertThatIllegalArgumentException()
				.isThrownBy(() -> chat.prompt()
					.user(PARAPHRASE)
					.advisors(a -> a.param(LlmCacheAdvisor.MIN_SIMILARITY, 1.5))
					.call()
					.content())
				.withMessage("Advisor parameter llmcache.min-similarity must be a cosine similarity in [0, 1], got '1.5'");
		});
	}

	@Test
	void aDifferentSystemPromptOrPartitionNeverHits() {
		contexts().run(context -> {
			ChatClient chat = chat(context);
			chat.prompt().system("You are a support bot.").user(QUESTION).call().content();
			assertThat(chat.prompt().system("You are a pirate.").user(PARAPHRASE).call().content())
				.startsWith("Answer to: " + PARAPHRASE);
			assertThat(server.requestCount()).isEqualTo(2);
			chat.prompt()
				.system("You are a support bot.")
				.user(PARAPHRASE)
				.advisors(a -> a.param(LlmCacheAdvisor.PARTITION, "globex"))
				.call()
				.content();
			assertThat(server.requestCount()).isEqualTo(3);

			// The same bucket does hit.
			assertThat(chat.prompt().system("You are a support bot.").user(PARAPHRASE).call().content())
				.startsWith("Answer to: " + QUESTION);
			assertThat(server.requestCount()).isEqualTo(3);
		});
	}

	@Test
	void shadowModeRecordsTheWouldBeHitButCallsTheModel() {
		contexts().withPropertyValues("llmcache.semantic.shadow=true").run(context -> {
			ChatClient chat = chat(context);
			chat.prompt().user(QUESTION).call().content();
			assertThat(chat.prompt().user(PARAPHRASE).call().content()).startsWith("Answer to: " + PARAPHRASE);
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(context.getBean(ShadowStats.class).total()).isEqualTo(1);
		});
	}

	@Test
	void itIsOffByDefault() {
		SemanticContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.run(context -> {
				assertThat(context.getBean(LlmCacheAdvisor.class).isSemantic()).isFalse();
				ChatClient chat = chat(context);
				chat.prompt().user(QUESTION).call().content();
				assertThat(chat.prompt().user(PARAPHRASE).call().content()).startsWith("Answer to: " + PARAPHRASE);
				assertThat(server.requestCount()).isEqualTo(2);
			});
	}

}
