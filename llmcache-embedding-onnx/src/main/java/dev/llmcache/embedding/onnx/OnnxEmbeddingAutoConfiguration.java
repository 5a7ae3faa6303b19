package dev.llmcache.embedding.onnx;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Provides the offline {@link OnnxMiniLmEmbeddingModel} when the application has no
 * {@link EmbeddingModel} of its own; runs after Spring AI's embedding auto-configurations so that
 * a configured provider wins. {@code llmcache.embedding.onnx.enabled=false} turns it off.
 */
@AutoConfiguration(afterName = { "org.springframework.ai.model.openai.autoconfigure.OpenAiEmbeddingAutoConfiguration",
		"org.springframework.ai.model.ollama.autoconfigure.OllamaEmbeddingAutoConfiguration",
		"org.springframework.ai.model.transformers.autoconfigure.TransformersEmbeddingModelAutoConfiguration" })
@ConditionalOnProperty(prefix = "llmcache.embedding.onnx", name = "enabled", matchIfMissing = true)
public class OnnxEmbeddingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(EmbeddingModel.class)
	OnnxMiniLmEmbeddingModel llmCacheOnnxEmbeddingModel() {
		return new OnnxMiniLmEmbeddingModel();
	}

}
