package dev.llmcache.embedding.onnx;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * A Spring AI {@link EmbeddingModel} that runs all-MiniLM-L6-v2 (quantized, 384 dimensions) in
 * this JVM with ONNX Runtime. The model and its tokenizer ship inside the langchain4j jar: nothing
 * is downloaded, no network is needed, and an embedding of a short prompt takes a few milliseconds
 * on one core.
 *
 * <p>The model is loaded once per instance (it takes a second or two); share one instance.
 * Thread-safe.
 */
public final class OnnxMiniLmEmbeddingModel implements EmbeddingModel {

	/** Dimensions of the vectors this model produces. */
	public static final int DIMENSIONS = 384;

	/** The model name responses report, by which {@code llmcache.pricing} can price it. */
	public static final String MODEL_NAME = "all-minilm-l6-v2-q";

	private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

	@Override
	public EmbeddingResponse call(EmbeddingRequest request) {
		List<Embedding> embeddings = new ArrayList<>(request.getInstructions().size());
		int index = 0;
		int tokens = 0;
		for (String text : request.getInstructions()) {
			Response<dev.langchain4j.data.embedding.Embedding> embedded = this.model.embed(TextSegment.from(text));
			embeddings.add(new Embedding(embedded.content().vector(), index++));
			TokenUsage usage = embedded.tokenUsage();
			if (usage != null && usage.inputTokenCount() != null) {
				tokens += usage.inputTokenCount();
			}
		}
		// Reported like a hosted model's usage, so that accounting treats both alike.
		return new EmbeddingResponse(embeddings,
				new EmbeddingResponseMetadata(MODEL_NAME, new DefaultUsage(tokens, 0, tokens)));
	}

	@Override
	public float[] embed(String text) {
		return this.model.embed(TextSegment.from(text)).content().vector();
	}

	@Override
	public float[] embed(Document document) {
		String text = document.getText();
		return embed((text != null) ? text : "");
	}

	@Override
	public int dimensions() {
		return DIMENSIONS;
	}

	@Override
	public String toString() {
		return "OnnxMiniLmEmbeddingModel[all-MiniLM-L6-v2, quantized]";
	}

}
