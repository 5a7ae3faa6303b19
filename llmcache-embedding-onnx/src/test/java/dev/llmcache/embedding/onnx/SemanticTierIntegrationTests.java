package dev.llmcache.embedding.onnx;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.semantic.DefaultSemanticTier;
import dev.llmcache.semantic.ShadowStats;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The semantic tier end to end with the real ONNX model, the real Spring AI OpenAI client against
 * the counting mock server, and a real Redis. The mock answers "Answer to: <question>", so a
 * served paraphrase is recognisable: it carries the first question.
 */
class SemanticTierIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void paraphraseIsAnsweredFromCacheAndReportedWithItsSimilarity() {
		List<CallEvent> events = new CopyOnWriteArrayList<>();
		SemanticContexts.withRedis(server, redis).withBean(LlmCacheListener.class, () -> events::add).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			String first = service.ask("How do I reset my password?");
			String second = service.ask("What are the steps to reset my password?");
			assertThat(first).startsWith("Answer to: How do I reset my password?");
			assertThat(second).isEqualTo(first);
			assertThat(server.requestCount()).isEqualTo(1);
			CallEvent hit = events.get(events.size() - 1);
			assertThat(hit.outcome()).isEqualTo(Outcome.SEMANTIC_HIT);
			assertThat(hit.similarity()).isBetween(0.85, 1.0);
		});
	}

	@Test
	void aRedisRestartedEmptyIsNeverAnsweredFromTheStaleIndex() throws Exception {
		SemanticContexts.withRedis(server, redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.retry-interval=200ms")
			.run(context -> {
				SemanticAskService service = context.getBean(SemanticAskService.class);
				service.ask("How do I reset my password?");
				assertThat(service.ask("What are the steps to reset my password?"))
					.startsWith("Answer to: How do I reset my password?");
				assertThat(server.requestCount()).isEqualTo(1);

				redis.stop();
				redis.restart();
				for (int i = 0; i < 5; i++) {
					assertThat(service.ask("What are the steps to reset my password?"))
						.as("the lost entry is never served from the index")
						.startsWith("Answer to: What are the steps to reset my password?");
					Thread.sleep(200);
				}
			});
	}

	@Test
	void nearMissesThatDifferInAnswerDeterminingTokensCallTheModel() {
		SemanticContexts.withRedis(server, redis).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			List<List<String>> nearMisses = List.of(
					List.of("How do I turn on dark mode?", "How do I turn off dark mode?"),
					List.of("What was the population of Canada in 2010?", "What was the population of Canada in 2020?"),
					List.of("Is aspirin safe for children?", "Is aspirin dangerous for children?"),
					List.of("Why is my code working?", "Why is my code not working?"),
					List.of("How do I sort a list in Python?", "How do I sort a list in Java?"));
			for (List<String> pair : nearMisses) {
				String first = service.ask(pair.get(0));
				String second = service.ask(pair.get(1));
				assertThat(first).startsWith("Answer to: " + pair.get(0));
				assertThat(second).startsWith("Answer to: " + pair.get(1));
			}
			assertThat(server.requestCount()).isEqualTo(2 * nearMisses.size());
		});
	}

	@Test
	void semanticHitsNeverCrossPartitionsSystemPromptsOrModels() {
		SemanticContexts.withRedis(server, redis).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			service.askAs("acme", "How do I reset my password?");
			assertThat(service.askAs("globex", "What are the steps to reset my password?"))
				.startsWith("Answer to: What are the steps");
			assertThat(server.requestCount()).isEqualTo(2);

			OpenAiChatOptions mini = OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build();
			OpenAiChatOptions large = OpenAiChatOptions.builder().model("gpt-4o").temperature(0.0).build();
			service.chat(prompt("You are a support bot.", "How do I reset my password?", mini));
			text(service.chat(prompt("You are a pirate.", "What are the steps to reset my password?", mini)));
			assertThat(server.requestCount()).isEqualTo(4);
			service.chat(prompt("You are a support bot.", "What are the steps to reset my password?", large));
			assertThat(server.requestCount()).isEqualTo(5);

			// The same bucket does hit: same system prompt, same model, a paraphrase.
			String hit = text(service.chat(prompt("You are a support bot.", "What are the steps to reset my password?",
					OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build())));
			assertThat(hit).startsWith("Answer to: How do I reset my password?");
			assertThat(server.requestCount()).isEqualTo(5);
		});
	}

	@Test
	void expiredEntriesAreNeverServedAndLeaveTheIndex() {
		SemanticContexts.withRedis(server, redis).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			DefaultSemanticTier tier = context.getBean(DefaultSemanticTier.class);
			service.shortLived("How do I cancel my subscription?");
			assertThat(service.shortLived("How can I cancel my subscription?"))
				.startsWith("Answer to: How do I cancel my subscription?");
			assertThat(tier.index().size()).isEqualTo(1);
			Thread.sleep(1100);
			assertThat(service.shortLived("How can I cancel my subscription?"))
				.startsWith("Answer to: How can I cancel my subscription?");
			assertThat(server.requestCount()).isEqualTo(2);
			// The expired entry left the index; the fresh answer took its place.
			assertThat(tier.index().size()).isEqualTo(1);
		});
	}

	@Test
	void anotherInstanceSharingRedisFindsEntriesTheFirstWrote() {
		SemanticContexts.withRedis(server, redis).run(first -> {
			SemanticAskService one = first.getBean(SemanticAskService.class);
			// Running side by side: the second instance follows the stream.
			SemanticContexts.withRedis(server, redis).run(second -> {
				SemanticAskService two = second.getBean(SemanticAskService.class);
				one.ask("How do I change my email address?");
				DefaultSemanticTier tier = second.getBean(DefaultSemanticTier.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> tier.index().size() == 1);
				assertThat(two.ask("What are the steps to change my email address?"))
					.startsWith("Answer to: How do I change my email address?");
			});
			one.ask("What time does the store open?");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> "2".equals(redis.command("XLEN", "llmcache:semantic")));
		});
		// Started later: the third instance loads what the stream holds.
		SemanticContexts.withRedis(server, redis).run(third -> {
			assertThat(third.getBean(SemanticAskService.class).ask("When does the store open?"))
				.startsWith("Answer to: What time does the store open?");
		});
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void shadowModeRecordsWouldBeHitsButNeverServesThem() {
		SemanticContexts.withRedis(server, redis).withPropertyValues("llmcache.semantic.shadow=true").run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			ShadowStats stats = context.getBean(ShadowStats.class);
			service.ask("How do I reset my password?");
			assertThat(service.ask("What are the steps to reset my password?"))
				.startsWith("Answer to: What are the steps to reset my password?");
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(stats.total()).isEqualTo(1);
			assertThat(stats.disagreed()).isEqualTo(1);

			server.setContent("Open Settings, then Security.");
			service.ask("How do I turn on two-factor authentication?");
			service.ask("How can I turn on two-factor authentication?");
			assertThat(server.requestCount()).isEqualTo(4);
			assertThat(stats.agreed()).isEqualTo(1);
			assertThat(stats.precision()).isEqualTo(0.5);
		});
	}

	@Test
	void aParaphraseOnAnotherInstanceIsNotAnsweredWithAnEvictedEntry() {
		SemanticContexts.withRedis(server, redis).run(first -> SemanticContexts.withRedis(server, redis).run(second -> {
			SemanticAskService a = first.getBean(SemanticAskService.class);
			SemanticAskService b = second.getBean(SemanticAskService.class);
			String question = "How do I change my email address?";
			String paraphrase = "What are the steps to change my email address?";
			assertThat(a.ask(question)).startsWith("Answer to: " + question);
			DefaultSemanticTier tierOfB = second.getBean(DefaultSemanticTier.class);
			// B knows the entry: without the eviction, its paraphrase would be a semantic hit.
			await().atMost(Duration.ofSeconds(5)).until(() -> tierOfB.index().size() == 1);

			first.getBean(LlmCacheManager.class).evict(SemanticAskService.class, "ask", question);

			assertThat(b.ask(paraphrase)).as("a paraphrase on the other instance after the eviction")
				.startsWith("Answer to: " + paraphrase);
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(a.ask(paraphrase)).as("and on the evicting instance").startsWith("Answer to: " + paraphrase);
		}));
	}

	/**
	 * The racing form of the case above (issue 13, case 1): the call is still in flight when the
	 * eviction returns, so its answer was read before the data changed. It goes back to its own
	 * caller, but it must not be stored, indexed or served to a paraphrase on either instance.
	 */
	@Test
	void aParaphraseIsNotAnsweredWithTheResultOfACallThatAnEvictionOvertook() throws Exception {
		AtomicInteger dataVersion = new AtomicInteger(1);
		AtomicBoolean holdNext = new AtomicBoolean(true);
		CountDownLatch modelRead = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		server.setResponder(request -> {
			String answer = "v" + dataVersion.get() + " " + request.defaultAnswer();
			if (holdNext.compareAndSet(true, false)) {
				modelRead.countDown();
				awaitUninterruptibly(release);
			}
			return answer;
		});
		SemanticContexts.withRedis(server, redis).run(first -> SemanticContexts.withRedis(server, redis).run(second -> {
			SemanticAskService a = first.getBean(SemanticAskService.class);
			SemanticAskService b = second.getBean(SemanticAskService.class);
			String question = "How do I change my email address?";
			String paraphrase = "What are the steps to change my email address?";
			ExecutorService caller = Executors.newSingleThreadExecutor();
			try {
				Future<String> inFlight = caller.submit(() -> a.ask(question));
				assertThat(modelRead.await(10, TimeUnit.SECONDS)).as("the model was called").isTrue();
				dataVersion.set(2);
				first.getBean(LlmCacheManager.class).evict(SemanticAskService.class, "ask", question);
				release.countDown();
				assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("the overtaken call's own caller").startsWith("v1 ");
			}
			finally {
				caller.shutdownNow();
			}
			// The stream is ordered: once B indexed an entry written after the overtaken call ended,
			// anything that call had published would have reached B before it.
			a.ask("What time does the store open?");
			DefaultSemanticTier tierOfB = second.getBean(DefaultSemanticTier.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> tierOfB.index().size() >= 1);
			assertThat(tierOfB.index().size()).as("entries B indexed").isEqualTo(1);

			assertThat(b.ask(paraphrase)).as("a paraphrase on the other instance").startsWith("v2 ");
			assertThat(a.ask(question)).as("the question again on the evicting instance").startsWith("v2 ");
			assertThat(a.ask("Which steps change my email address?")).as("a paraphrase on the evicting instance")
				.startsWith("v2 ");
		}));
	}

	@Test
	void anOperationsOwnThresholdOverridesTheDefault() {
		SemanticContexts.withoutRedis(server).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			service.strict("How do I reset my password?");
			service.strict("What are the steps to reset my password?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void worksOnL1AloneWithoutRedis() {
		SemanticContexts.withoutRedis(server).run(context -> {
			SemanticAskService service = context.getBean(SemanticAskService.class);
			service.ask("Who wrote Pride and Prejudice?");
			assertThat(service.ask("Who is the author of Pride and Prejudice?"))
				.startsWith("Answer to: Who wrote Pride and Prejudice?");
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	private static Prompt prompt(String system, String user, OpenAiChatOptions options) {
		return new Prompt(List.of(new SystemMessage(system), new UserMessage(user)), options);
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the held model call was never released");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String text(ChatResponse response) {
		return response.getResult().getOutput().getText();
	}

}
