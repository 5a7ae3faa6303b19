package dev.llmcache.embedding.onnx;

import java.math.BigDecimal;
import java.util.List;

import dev.llmcache.autoconfigure.metrics.LlmCacheMetricsAutoConfiguration;
import dev.llmcache.engine.Outcome;
import dev.llmcache.metrics.LlmCacheStatistics;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the semantic tier's embeddings cost is counted and subtracted from what hits saved, with
 * the real ONNX model reporting its own token counts.
 */
class EmbeddingCostIntegrationTests {

	private static final String QUESTION = "How do I reset my password?";

	private static final String PARAPHRASE = "What are the steps to reset my password?";

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	@Test
	void embeddingCallsAreCountedOncePerTextAndPricedAgainstTheSaving() {
		SemanticContexts.withoutRedis(parts.server())
			.withConfiguration(AutoConfigurations.of(LlmCacheMetricsAutoConfiguration.class))
			// A made-up price, high enough to show in the figures.
			.withPropertyValues("llmcache.pricing." + OnnxMiniLmEmbeddingModel.MODEL_NAME + ".input-per-million=2000")
			.run(context -> {
				SemanticAskService service = context.getBean(SemanticAskService.class);
				LlmCacheStatistics statistics = context.getBean(LlmCacheStatistics.class);
				service.ask(QUESTION);
				service.ask(PARAPHRASE);
				service.ask(PARAPHRASE);
				assertThat(parts.server().requestCount()).isEqualTo(1);

				LlmCacheStatistics.NamespaceSnapshot support = statistics.snapshot().namespaces().get("support");
				assertThat(support.count(Outcome.SEMANTIC_HIT)).isEqualTo(2);
				long tokens = tokensOf(QUESTION) + tokensOf(PARAPHRASE);
				assertThat(tokens).isGreaterThan(10);
				assertThat(support.embeddingTokens()).as("each text embedded once").isEqualTo(tokens);
				BigDecimal cost = BigDecimal.valueOf(2000).multiply(BigDecimal.valueOf(tokens))
					.divide(BigDecimal.valueOf(1_000_000));
				assertThat(support.embeddingCost()).isEqualByComparingTo(cost);
				assertThat(support.netCostSaved()).isEqualByComparingTo(support.costSaved().subtract(cost));
			});
	}

	@Test
	void anUnpricedEmbeddingModelCostsNothing() {
		SemanticContexts.withoutRedis(parts.server())
			.withConfiguration(AutoConfigurations.of(LlmCacheMetricsAutoConfiguration.class))
			.run(context -> {
				SemanticAskService service = context.getBean(SemanticAskService.class);
				service.ask(QUESTION);
				service.ask(PARAPHRASE);
				LlmCacheStatistics.NamespaceSnapshot support = context.getBean(LlmCacheStatistics.class).snapshot()
					.namespaces().get("support");
				assertThat(support.embeddingTokens()).isEqualTo(tokensOf(QUESTION) + tokensOf(PARAPHRASE));
				assertThat(support.embeddingCost()).isEqualByComparingTo(BigDecimal.ZERO);
				assertThat(support.netCostSaved()).isEqualByComparingTo(support.costSaved());
			});
	}

	private static long tokensOf(String text) {
		EmbeddingResponse response = SemanticContexts.MODEL.embedForResponse(List.of(text));
		assertThat(response.getMetadata().getModel()).isEqualTo(OnnxMiniLmEmbeddingModel.MODEL_NAME);
		return response.getMetadata().getUsage().getPromptTokens();
	}

}
