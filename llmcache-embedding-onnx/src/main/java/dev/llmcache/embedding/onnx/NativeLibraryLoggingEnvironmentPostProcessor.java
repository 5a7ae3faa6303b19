package dev.llmcache.embedding.onnx;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Quiets the GPU probe of the tokenizer's native library (DJL), which logs "Failed to detect GPU
 * count" twice at WARN on every machine without a usable CUDA driver. The offline model runs on the
 * CPU and never uses a GPU, so the probe's outcome is irrelevant to it: its logger is set to ERROR,
 * which keeps real failures visible. The setting has the lowest precedence: any
 * {@code logging.level.ai.djl...} the application sets wins.
 */
class NativeLibraryLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE = "llmcacheOnnxNativeLogging";

	static final String GPU_PROBE_LOGGER = "logging.level.ai.djl.util.cuda.CudaUtils";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE)) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of(GPU_PROBE_LOGGER, "error")));
		}
	}

}
