package dev.llmcache.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up line naming the semantic tier's embedding model and where it comes from. (With the
 * OpenAI starter and llmcache-embedding-onnx together: FirstStartupTests in llmcache-docs-tests.)
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddingModelReportTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class,
				LlmCacheSemanticAutoConfiguration.class))
		.withUserConfiguration(EmbeddingConfiguration.class);

	@Test
	void anApplicationsModelIsNamedWithItsBeanAndConfiguration(CapturedOutput output) {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("llmcache: the semantic tier embeds with ConstantEmbeddingModel (bean "
					+ "'myEmbeddings', defined by EmbeddingModelReportTests.EmbeddingConfiguration)");
			assertThat(output).doesNotContain("llmcache-embedding-onnx is on the class path too");
		});
	}

	@Test
	void noSemanticTierNoLine(CapturedOutput output) {
		this.runner.withPropertyValues("llmcache.semantic.enabled=false")
			.run(context -> assertThat(output).doesNotContain("the semantic tier embeds with"));
	}

	@Configuration(proxyBeanMethods = false)
	static class EmbeddingConfiguration {

		@Bean
		EmbeddingModel myEmbeddings() {
			return new LlmCacheSemanticAutoConfigurationTests.ConstantEmbeddingModel();
		}

	}

}
