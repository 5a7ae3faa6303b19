package dev.llmcache.embedding.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starting an application with the offline model logs nothing a user would read as a fault: the
 * tokenizer's GPU probe is quieted below ERROR, and an application can still turn it back on.
 */
@ExtendWith(OutputCaptureExtension.class)
class NativeLibraryNoiseTests {

	private static final String PROBE = "ai.djl.util.cuda.CudaUtils";

	@Test
	void theGpuProbeWarnsNoMoreWhenTheModelStarts(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run()) {
			assertThat(context.getBean(EmbeddingModel.class).embed("warm")).hasSize(OnnxMiniLmEmbeddingModel.DIMENSIONS);
			assertThat(LoggingSystem.get(getClass().getClassLoader()).getLoggerConfiguration(PROBE).getEffectiveLevel())
				.isEqualTo(LogLevel.ERROR);
		}
		assertThat(output).doesNotContain("Failed to detect GPU count");
	}

	@Test
	void anApplicationSettingWins() {
		try (ConfigurableApplicationContext context = application()
			.properties("logging.level.ai.djl.util.cuda.CudaUtils=warn", "llmcache.embedding.onnx.enabled=false")
			.run()) {
			assertThat(LoggingSystem.get(getClass().getClassLoader()).getLoggerConfiguration(PROBE).getEffectiveLevel())
				.isEqualTo(LogLevel.WARN);
		}
	}

	@Test
	void modelAndTokenizerAreNativeImageResources() {
		RuntimeHints hints = new RuntimeHints();
		new OnnxRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource("all-minilm-l6-v2-q.onnx")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("all-minilm-l6-v2-q-tokenizer.json")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("ai/onnxruntime/native/linux-x64/libonnxruntime.so"))
			.accepts(hints);
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(OnnxEmbeddingAutoConfiguration.class)
	static class App {

	}

}
