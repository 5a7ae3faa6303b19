package dev.llmcache.autoconfigure;

import dev.llmcache.semantic.ExpiredEntrySweeper;
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
