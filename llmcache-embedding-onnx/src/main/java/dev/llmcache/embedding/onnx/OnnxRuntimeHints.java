package dev.llmcache.embedding.onnx;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The offline model's classpath resources, for Spring AOT and native images: the ONNX model and
 * tokenizer shipped in the langchain4j jar, and ONNX Runtime's native libraries, which it extracts
 * from its jar at run time. (A native image also needs ONNX Runtime's and DJL's JNI configuration,
 * which these libraries do not ship.)
 */
class OnnxRuntimeHints implements RuntimeHintsRegistrar {

	static final String MODEL = "all-minilm-l6-v2-q.onnx";

	static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(MODEL);
		hints.resources().registerPattern(TOKENIZER);
		hints.resources().registerPattern("ai/onnxruntime/native/**");
		hints.resources().registerPattern("native/lib/**");
	}

}
