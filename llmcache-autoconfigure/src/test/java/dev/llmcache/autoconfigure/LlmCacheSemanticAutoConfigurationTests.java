package dev.llmcache.autoconfigure;

import dev.llmcache.semantic.ChatModelHitVerifier;
import dev.llmcache.metrics.SemanticIndexMetrics;
import dev.llmcache.semantic.ExpiredEntrySweeper;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.SemanticIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.llmcache.semantic.GuardRules;
import dev.llmcache.semantic.SemanticGuard;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard rules the semantic tier gets: the defaults, or the list named by
 * {@code llmcache.semantic.guard-rules}, which replaces them; a bad list stops startup.
 */
class LlmCacheSemanticAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class,
				LlmCacheSemanticAutoConfiguration.class))
		.withBean(EmbeddingModel.class, ConstantEmbeddingModel::new);

	@Test
	void withoutAListTheDefaultRulesApply() {
		this.runner.run(context -> {
			SemanticGuard guard = context.getBean(SemanticGuard.class);
			assertThat(guard.rules()).isSameAs(GuardRules.defaults());
			assertThat(guard.disagreement("how do i enable dark mode?", "how do i disable dark mode?"))
				.isEqualTo("polarity");
		});
	}

	@Test
	void theInProcessIndexThreadEndsWithTheContext() throws InterruptedException {
		java.util.concurrent.atomic.AtomicReference<SemanticIndex> held = new java.util.concurrent.atomic.AtomicReference<>();
		this.runner.withPropertyValues("llmcache.semantic.approximate-above=8").run(context -> {
			SemanticIndex index = context.getBean(SemanticIndex.class);
			held.set(index);
			for (int i = 0; i < 40; i++) {
				index.add(new IndexedRequest("bucket", "ns", null, Integer.toString(i), "text " + i,
						new float[] { (float) Math.cos(i), (float) Math.sin(i), 0.5f }, Long.MAX_VALUE));
			}
			// The bucket's graph is built on the index's own thread; it exists while the context runs.
			assertThat(graphThreadsAlive(5_000)).isTrue();
		});
		assertThat(held.get()).isInstanceOf(InMemorySemanticIndex.class);
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
		while (graphThreadsAlive(0) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(graphThreadsAlive(0)).isFalse();
	}

	private static boolean graphThreadsAlive(long waitMillis) throws InterruptedException {
		long deadline = System.nanoTime() + waitMillis * 1_000_000;
		do {
			if (Thread.getAllStackTraces().keySet().stream()
				.anyMatch(t -> t.isAlive() && t.getName().startsWith("llmcache-semantic-graph-"))) {
				return true;
			}
			Thread.sleep(10);
		}
		while (System.nanoTime() < deadline);
		return false;
	}

	@Test
	void anIndexInThisJvmIsSweptOfExpiredEntries() {
		this.runner.run(context -> assertThat(context).hasSingleBean(ExpiredEntrySweeper.class));
	}

	@Test
	void theInProcessIndexIsBoundedAndItsEvictionsAreMetered() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("llmcache.semantic.max-entries=3", "llmcache.semantic.max-entries-per-bucket=2",
					"llmcache.semantic.vectors=float32")
			.run(context -> {
				InMemorySemanticIndex index = (InMemorySemanticIndex) context.getBean(SemanticIndex.class);
				SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
				context.getBean(SemanticIndexMetrics.class).bindTo(registry);
				for (int i = 0; i < 4; i++) {
					index.add(new IndexedRequest("b" + (i % 3), "ns", null, "h" + i, "text", new float[] { 1, 0 },
							Long.MAX_VALUE));
				}
				index.add(new IndexedRequest("b0", "ns", null, "h9", "text", new float[] { 1, 0 }, Long.MAX_VALUE));
				// The fourth entry is one over the total of 3: the two oldest (one over, one of slack) go.
				assertThat(index.size()).isEqualTo(3);
				assertThat(index.nearest("b1", "", new float[] { 1, 0 }, 5, 0)).isEmpty();
				assertThat(index.nearest("b0", "", new float[] { 1, 0 }, 5, 0)).extracting(n -> n.entry().hash())
					.containsExactlyInAnyOrder("h3", "h9");
				assertThat(registry.get("llmcache.semantic.index.evictions").functionCounter().count()).isEqualTo(2);
				assertThat(registry.get("llmcache.semantic.index.entries").gauge().value()).isEqualTo(3);
				float[] stored = index.nearest("b2", "", new float[] { 1, 0 }, 1, 0).get(0).entry().vector();
				assertThat(stored).containsExactly(1, 0);
			});
	}

	@Test
	void aListReplacesTheDefaultRules() {
		this.runner.withPropertyValues("llmcache.semantic.guard-rules=classpath:guard-rules/tea.txt").run(context -> {
			SemanticGuard guard = context.getBean(SemanticGuard.class);
			assertThat(guard.disagreement("can i drink tea at night?", "can i drink coffee at night?"))
				.isEqualTo("polarity");
			assertThat(guard.rules().opposites()).hasSize(1);
			// The listed opposites are gone; WordNet still knows these two are antonyms.
			assertThat(guard.disagreement("how do i enable dark mode?", "how do i disable dark mode?"))
				.isEqualTo("polarity");
		});
	}

	@Test
	void aMalformedListStopsStartupNamingItsLine() {
		this.runner.withPropertyValues("llmcache.semantic.guard-rules=classpath:guard-rules/malformed.txt")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage("llmcache: malformed guard rule at classpath:guard-rules/malformed.txt:3: "
						+ "an opposite needs two non-empty poles separated by '|'"));
	}

	@Test
	void aMissingListStopsStartup() {
		this.runner.withPropertyValues("llmcache.semantic.guard-rules=classpath:guard-rules/none.txt")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessage("llmcache.semantic.guard-rules: classpath:guard-rules/none.txt does not exist"));
	}

	@Test
	void theVerifierIsOffByDefault() {
		this.runner.run(context -> assertThat(context).doesNotHaveBean(ChatModelHitVerifier.class));
	}

	@Test
	void theVerifierAsksTheNamedChatModelForTheNamedModelAndCountsInMetrics() {
		try (MockOpenAiServer server = MockOpenAiServer.start()) {
			server.setContent("NO");
			this.runner.withBean("judge", ChatModel.class, () -> OpenAiTestModels.chatModel(server))
				.withBean("other", ChatModel.class, () -> OpenAiTestModels.chatModel(server))
				.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("llmcache.semantic.verifier.enabled=true",
						"llmcache.semantic.verifier.chat-model=judge", "llmcache.semantic.verifier.model=gpt-4.1-nano",
						"llmcache.semantic.verifier.confident=0.97")
				.run(context -> {
					ChatModelHitVerifier verifier = context.getBean(ChatModelHitVerifier.class);
					assertThat(verifier.accepts("How do I peel an egg?", "How do I boil an egg?", 0.9)).isFalse();
					assertThat(verifier.accepts("How do I peel an egg?", "How do I boil an egg?", 0.98)).isTrue();
					assertThat(server.requestCount()).isEqualTo(1);
					assertThat(server.lastRequest().path("model").asString()).isEqualTo("gpt-4.1-nano");
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					context.getBean("llmCacheSemanticVerifierMetrics", MeterBinder.class).bindTo(registry);
					assertThat(registry.get("llmcache.semantic.verifier").tag("outcome", "rejected").functionCounter()
						.count()).isEqualTo(1);
					assertThat(registry.get("llmcache.semantic.verifier").tag("outcome", "confident").functionCounter()
						.count()).isEqualTo(1);
				});
		}
	}

	@Test
	void anAmbiguousJudgeStopsStartup() {
		try (MockOpenAiServer server = MockOpenAiServer.start()) {
			this.runner.withBean("one", ChatModel.class, () -> OpenAiTestModels.chatModel(server))
				.withBean("two", ChatModel.class, () -> OpenAiTestModels.chatModel(server))
				.withPropertyValues("llmcache.semantic.verifier.enabled=true")
				.run(context -> assertThat(context).getFailure()
					.rootCause()
					.hasMessage("llmcache.semantic.verifier.enabled=true needs one ChatModel bean, found 2 "
							+ "(name one with llmcache.semantic.verifier.chat-model)"));
		}
	}

	/** Enough of an EmbeddingModel for the tier to be configured; these tests never embed. */
	static final class ConstantEmbeddingModel implements EmbeddingModel {

		@Override
		public EmbeddingResponse call(EmbeddingRequest request) {
			return new EmbeddingResponse(request.getInstructions().stream()
				.map(text -> new Embedding(new float[] { 1, 0 }, 0))
				.toList());
		}

		@Override
		public float[] embed(Document document) {
			return new float[] { 1, 0 };
		}

		@Override
		public int dimensions() {
			return 2;
		}

	}

}
