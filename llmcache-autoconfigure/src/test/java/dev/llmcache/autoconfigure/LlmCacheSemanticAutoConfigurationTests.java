package dev.llmcache.autoconfigure;

import dev.llmcache.metrics.SemanticIndexMetrics;
import dev.llmcache.semantic.ExpiredEntrySweeper;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.SemanticIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.llmcache.semantic.GuardRules;
import dev.llmcache.semantic.SemanticGuard;
import org.junit.jupiter.api.Test;
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
			assertThat(guard.disagreement("how do i enable dark mode?", "how do i disable dark mode?")).isNull();
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
