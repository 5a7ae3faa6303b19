package dev.llmcache.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.advisor.LlmCacheAdvisor;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The auto-configured {@link LlmCacheAdvisor}: the same engine, tiers and listeners as
 * {@code @LlmCached}, with the real OpenAI client, the mock server and a real Redis.
 */
class LlmCacheAdvisorAutoConfigurationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void theAdvisorAnswersFromRedisAndReportsToTheApplicationsListeners() {
		List<CallEvent> events = Collections.synchronizedList(new ArrayList<>());
		LlmCacheContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.l1.enabled=false")
			.withBean(LlmCacheListener.class, () -> events::add)
			.run(context -> {
				ChatClient chat = ChatClient.builder(context.getBean(ChatModel.class))
					.defaultAdvisors(context.getBean(LlmCacheAdvisor.class))
					.build();
				String first = chat.prompt().user("What is Redis?").call().content();
				String second = chat.prompt().user("What is Redis?").call().content();
				String streamed = String.join("",
						chat.prompt().user("What is Redis?").stream().content().collectList().block());
				assertThat(second).isEqualTo(first);
				assertThat(streamed).isEqualTo(first);
				assertThat(server.requestCount()).isEqualTo(1);
				assertThat(events).extracting(CallEvent::outcome)
					.containsExactly(Outcome.MISS, Outcome.L2_HIT, Outcome.L2_HIT);
				assertThat(events).extracting(CallEvent::namespace).containsOnly("chat-client");
				assertThat(redis.command("KEYS", "llmcache:e:*")).isNotEmpty();
			});
	}

	@Test
	void itsNamespaceIsConfigurableAndClearedByTheManager() {
		LlmCacheContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.advisor.namespace=support-bot", "llmcache.advisor.order=42")
			.run(context -> {
				LlmCacheAdvisor advisor = context.getBean(LlmCacheAdvisor.class);
				assertThat(advisor.getNamespace()).isEqualTo("support-bot");
				assertThat(advisor.getOrder()).isEqualTo(42);
				ChatClient chat = ChatClient.builder(context.getBean(ChatModel.class)).defaultAdvisors(advisor).build();
				chat.prompt().user("Reset my password").call().content();
				chat.prompt().user("Reset my password").call().content();
				assertThat(server.requestCount()).isEqualTo(1);
				context.getBean(LlmCacheManager.class).clearNamespace("support-bot");
				chat.prompt().user("Reset my password").call().content();
				assertThat(server.requestCount()).isEqualTo(2);
			});
	}

	@Test
	void customizersTuneTheBuilderAfterTheProperties() {
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.advisor.order=5")
			.withBean("first", LlmCacheAdvisorBuilderCustomizer.class, () -> builder -> builder.order(7))
			.run(context -> assertThat(context.getBean(LlmCacheAdvisor.class).getOrder()).isEqualTo(7));
	}

	@Test
	void backsOffWithoutTheChatClientOrWhenDisabled() {
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(CallAdvisor.class))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmCacheAdvisor.class));
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.advisor.enabled=false")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmCacheAdvisor.class));
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.enabled=false")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmCacheAdvisor.class));
	}

	@Test
	void semanticMatchingIsOffByDefaultAndOnWithThePropertyWhenTheTierExists() {
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheSemanticAutoConfiguration.class,
					LlmCacheAdvisorAutoConfiguration.class))
			.withBean(EmbeddingModel.class, LlmCacheSemanticAutoConfigurationTests.ConstantEmbeddingModel::new)
			.run(context -> assertThat(context.getBean(LlmCacheAdvisor.class).isSemantic()).isFalse());
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheSemanticAutoConfiguration.class,
					LlmCacheAdvisorAutoConfiguration.class))
			.withBean(EmbeddingModel.class, LlmCacheSemanticAutoConfigurationTests.ConstantEmbeddingModel::new)
			.withPropertyValues("llmcache.advisor.semantic=true")
			.run(context -> assertThat(context.getBean(LlmCacheAdvisor.class).isSemantic()).isTrue());
	}

	@Test
	void semanticMatchingWithoutASemanticTierFallsBackToExactMatches() {
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheSemanticAutoConfiguration.class,
					LlmCacheAdvisorAutoConfiguration.class))
			.withPropertyValues("llmcache.advisor.semantic=true")
			.run(context -> {
				assertThat(context).hasNotFailed();
				LlmCacheAdvisor advisor = context.getBean(LlmCacheAdvisor.class);
				assertThat(advisor.isSemantic()).isFalse();
				ChatClient chat = ChatClient.builder(context.getBean(ChatModel.class)).defaultAdvisors(advisor).build();
				chat.prompt().user("What is Redis?").call().content();
				chat.prompt().user("What is Redis?").call().content();
				assertThat(server.requestCount()).isEqualTo(1);
			});
	}

	@Test
	void aMalformedSemanticParameterIsAClearErrorBeforeAnyModelCall() {
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(LlmCacheSemanticAutoConfiguration.class,
					LlmCacheAdvisorAutoConfiguration.class))
			.withBean(EmbeddingModel.class, LlmCacheSemanticAutoConfigurationTests.ConstantEmbeddingModel::new)
			.withPropertyValues("llmcache.advisor.semantic=true")
			.run(context -> {
				ChatClient chat = ChatClient.builder(context.getBean(ChatModel.class))
					.defaultAdvisors(context.getBean(LlmCacheAdvisor.class))
					.build();
				assertThatIllegalArgumentException()
					.isThrownBy(() -> chat.prompt()
						.user("What is Redis?")
						.advisors(a -> a.param(LlmCacheAdvisor.SEMANTIC, "sometimes"))
						.call()
						.content())
					.withMessage("Advisor parameter llmcache.semantic must be true or false, got 'sometimes'");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> chat.prompt()
						.user("What is Redis?")
						.advisors(a -> a.param(LlmCacheAdvisor.MIN_SIMILARITY, "high"))
						.call()
						.content())
					.withMessage("Advisor parameter llmcache.min-similarity must be a cosine similarity in [0, 1], "
							+ "got 'high'");
				assertThat(server.requestCount()).isZero();
				// The string forms are accepted.
				chat.prompt()
					.user("What is Redis?")
					.advisors(a -> a.param(LlmCacheAdvisor.SEMANTIC, "false").param(LlmCacheAdvisor.MIN_SIMILARITY, "0.9"))
					.call()
					.content();
				assertThat(server.requestCount()).isEqualTo(1);
			});
	}

}
