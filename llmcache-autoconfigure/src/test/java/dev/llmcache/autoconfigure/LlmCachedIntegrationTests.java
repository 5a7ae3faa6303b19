package dev.llmcache.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.redis.RedisTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @LlmCached} end to end: the real Spring AI OpenAI client against the counting mock
 * server, a real Redis. A hit is proven by the server's request count not moving.
 */
class LlmCachedIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void secondIdenticalCallIsAnsweredFromCache() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			String first = service.ask("What is the capital of France?");
			String second = service.ask("What is the capital of France?");
			assertThat(first).startsWith("Answer to: What is the capital of France?");
			assertThat(second).isEqualTo(first);
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void worksThroughJdkInterfaceProxiesToo() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("spring.aop.proxy-target-class=false").run(context -> {
			AskService service = context.getBean(AskService.class);
			assertThat(AopUtils.isJdkDynamicProxy(service)).isTrue();
			service.ask("Where is Lyon?");
			service.ask("Where is Lyon?");
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void normalizedPromptsShareAnEntry() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			service.ask("What   is Redis?");
			service.ask("  What is Redis?  ");
			assertThat(server.requestCount()).isEqualTo(1);
			// Dynamic tokens are kept unless the method opts in (docs/keys.md).
			service.ask("Trace 123e4567-e89b-12d3-a456-426614174000 at 2026-11-22T08:15:00Z: what is Redis?");
			service.ask("Trace 9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d at 2026-11-23T09:00:00+01:00: what is Redis?");
			assertThat(server.requestCount()).isEqualTo(3);
		});
	}

	@Test
	void chatResponseKeepsTextFinishReasonAndUsageOnAHit() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(context -> {
			AskService service = context.getBean(AskService.class);
			Prompt prompt = new Prompt(List.of(new SystemMessage("Be brief."), new UserMessage("Name a prime.")),
					OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build());
			ChatResponse first = service.chat(prompt);
			ChatResponse second = service.chat(prompt);
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(second.getResult().getOutput().getText()).isEqualTo(first.getResult().getOutput().getText());
			assertThat(second.getResult().getMetadata().getFinishReason())
				.isEqualToIgnoringCase(first.getResult().getMetadata().getFinishReason());
			assertThat(second.getMetadata().getUsage().getPromptTokens())
				.isEqualTo(first.getMetadata().getUsage().getPromptTokens());
			assertThat(second.getMetadata().getUsage().getCompletionTokens())
				.isEqualTo(first.getMetadata().getUsage().getCompletionTokens());
			assertThat(second.getMetadata().getModel()).isEqualTo(first.getMetadata().getModel());
		});
	}

	@Test
	void differentModelTemperatureSystemPromptOrHistoryIsADifferentEntry() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			UserMessage question = new UserMessage("Summarise the plot of Hamlet.");
			service.chat(new Prompt(question, OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build()));
			service.chat(new Prompt(question, OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build()));
			assertThat(server.requestCount()).isEqualTo(1);
			service.chat(new Prompt(question, OpenAiChatOptions.builder().model("gpt-4o").temperature(0.0).build()));
			assertThat(server.requestCount()).isEqualTo(2);
			service.chat(new Prompt(question, OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).topP(0.5).build()));
			assertThat(server.requestCount()).isEqualTo(3);
			service.chat(new Prompt(List.of(new SystemMessage("Answer in French."), question),
					OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build()));
			assertThat(server.requestCount()).isEqualTo(4);
			service.chat(new Prompt(List.of(new UserMessage("Hi"), new UserMessage("Summarise the plot of Hamlet.")),
					OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build()));
			assertThat(server.requestCount()).isEqualTo(5);
		});
	}

	@Test
	void temperatureAboveTheLimitIsNeverCachedUnlessTheAnnotationAllowsIt() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			Prompt hot = new Prompt("Write a haiku.", OpenAiChatOptions.builder().temperature(0.7).build());
			service.chat(hot);
			service.chat(hot);
			assertThat(server.requestCount()).isEqualTo(2);
			service.warm(hot);
			service.warm(hot);
			assertThat(server.requestCount()).isEqualTo(3);
		});
	}

	@Test
	void partitionsNeverShareEntries() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			service.askAs("alice", "What is my balance?");
			service.askAs("alice", "What is my balance?");
			assertThat(server.requestCount()).isEqualTo(1);
			service.askAs("bob", "What is my balance?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void truncatedFilteredAndToolCallingResponsesAreNotStored() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			Prompt prompt = new Prompt("Tell me a long story.");
			server.setFinishReason("length");
			service.chat(prompt);
			service.chat(prompt);
			assertThat(server.requestCount()).isEqualTo(2);
			server.setFinishReason("content_filter");
			service.chat(prompt);
			assertThat(server.requestCount()).isEqualTo(3);
			server.setFinishReason("stop");
			server.replyWithToolCall(true);
			Prompt tools = new Prompt("Weather in Paris?", OpenAiChatOptions.builder().model("gpt-4o-mini").build());
			service.chat(tools);
			service.chat(tools);
			assertThat(server.requestCount()).isEqualTo(5);
			server.replyWithToolCall(false);
			service.chat(prompt);
			service.chat(prompt);
			assertThat(server.requestCount()).isEqualTo(6);
		});
	}

	@Test
	void exceptionsPropagateUnchangedAndAreNotCached() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			server.failNextRequests(1, 500);
			assertThatThrownBy(() -> service.ask("Is this flaky?")).isNotInstanceOf(IllegalStateException.class)
				.hasMessageContaining("500");
			assertThat(service.ask("Is this flaky?")).startsWith("Answer to: Is this flaky?");
			assertThat(server.requestCount()).isEqualTo(2);
			service.ask("Is this flaky?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void conditionAndUnlessAreHonoured() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			service.conditional("stable question", false);
			service.conditional("stable question", false);
			assertThat(server.requestCount()).isEqualTo(2);
			service.conditional("stable question", true);
			service.conditional("stable question", true);
			assertThat(server.requestCount()).isEqualTo(3);
			server.setContent("a volatile answer");
			service.conditional("other question", true);
			service.conditional("other question", true);
			assertThat(server.requestCount()).isEqualTo(5);
		});
	}

	@Test
	void structuredResultsRoundTripThroughRedis() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(context -> {
			AskService service = context.getBean(AskService.class);
			AskService.Recipe first = service.recipe("pancakes");
			AskService.Recipe second = service.recipe("pancakes");
			assertThat(second).isEqualTo(first);
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void aSecondApplicationSharingRedisGetsAnL2Hit() {
		LlmCacheContexts.withRedis(server, redis).run(first -> {
			String answer = first.getBean(AskService.class).ask("What does HTTP 418 mean?");
			LlmCacheContexts.withRedis(server, redis).run(second -> {
				assertThat(second.getBean(AskService.class).ask("What does HTTP 418 mean?")).isEqualTo(answer);
			});
		});
		assertThat(server.requestCount()).isEqualTo(1);
	}

	@Test
	void entriesExpireAfterTheirTtl() throws Exception {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			service.shortLived("What time is it?");
			service.shortLived("What time is it?");
			assertThat(server.requestCount()).isEqualTo(1);
			Thread.sleep(1300);
			service.shortLived("What time is it?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void evictAndNamespaceClearThroughTheManagerAndTheAnnotation() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			service.faq("How do I reset my password?");
			service.faq("How do I change my email?");
			assertThat(server.requestCount()).isEqualTo(2);

			service.forgetFaq("How do I reset my password?");
			service.faq("How do I reset my password?");
			service.faq("How do I change my email?");
			assertThat(server.requestCount()).isEqualTo(3);

			manager.evict(AskService.class, "faq", "How do I change my email?");
			service.faq("How do I change my email?");
			assertThat(server.requestCount()).isEqualTo(4);

			manager.clearNamespace("faq");
			service.faq("How do I reset my password?");
			service.faq("How do I change my email?");
			assertThat(server.requestCount()).isEqualTo(6);

			service.forgetAllFaqs();
			service.faq("How do I reset my password?");
			assertThat(server.requestCount()).isEqualTo(7);
			assertThat(manager.namespaceOf(AskService.class, "faq")).isEqualTo("faq");
		});
	}

	@Test
	void aNamespaceClearReachesAnotherInstanceThroughRedis() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(first -> {
			first.getBean(AskService.class).faq("Opening hours?");
			LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(second -> {
				second.getBean(LlmCacheManager.class).clearNamespace("faq");
			});
			first.getBean(AskService.class).faq("Opening hours?");
		});
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void corruptValuesInRedisAreMissesAndGetOverwritten() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			RedisTier tier = context.getBean(RedisTier.class);
			String[] planted = { "garbage \u0000\u0001", "{\"v\":99,\"payload\":\"x\"}",
					"{\"v\":1,\"type\":\"json\",\"valueType\":\"java.util.List<java.lang.String>\",\"payload\":[]}" };
			int expected = 0;
			for (String bytes : planted) {
				CacheKey key = manager.keyFor(AskService.class, "ask", "Corrupt me?");
				redis.command("SET", new String(tier.entryKey(key), StandardCharsets.UTF_8), bytes);
				assertThat(service.ask("Corrupt me?")).startsWith("Answer to: Corrupt me?");
				assertThat(server.requestCount()).isEqualTo(++expected);
				assertThat(service.ask("Corrupt me?")).startsWith("Answer to: Corrupt me?");
				assertThat(server.requestCount()).isEqualTo(expected);
			}
		});
	}

	@Test
	void redisGoingAwayNeverFailsACallAndL2ResumesWhenItIsBack() {
		LlmCacheContexts.withRedis(server, redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.retry-interval=200ms")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				service.ask("Before the outage?");
				service.ask("Before the outage?");
				assertThat(server.requestCount()).isEqualTo(1);

				redis.stop();
				assertThat(service.ask("During the outage?")).startsWith("Answer to: During the outage?");
				assertThat(service.ask("During the outage?")).startsWith("Answer to: During the outage?");
				assertThat(server.requestCount()).isEqualTo(3);

				redis.restart();
				long deadline = System.currentTimeMillis() + 10_000;
				int before;
				do {
					Thread.sleep(250);
					service.ask("After the outage?");
					before = server.requestCount();
					service.ask("After the outage?");
				}
				while (server.requestCount() != before && System.currentTimeMillis() < deadline);
				assertThat(server.requestCount()).as("L2 answers again after the restart").isEqualTo(before);
			});
	}

}
