package dev.llmcache.semantic;

import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * Embeds request texts with the application's {@link EmbeddingModel}, once per text while its
 * embedding is held: a miss embeds the prompt for the lookup, and storing its answer reuses that
 * embedding. Vectors are scaled to unit length, so that cosine similarity is a dot product.
 *
 * <p>Thread-safe.
 */
public final class EmbeddingCache {

	private final EmbeddingModel model;

	private final Cache<String, float[]> vectors;

	private final @Nullable AcronymExpansion acronyms;

	/**
	 * @param model the embedding model
	 * @param maxTexts how many embeddings are held at most
	 */
	public EmbeddingCache(EmbeddingModel model, long maxTexts) {
		this(model, maxTexts, null);
	}

	/**
	 * @param model the embedding model
	 * @param maxTexts how many embeddings are held at most
	 * @param lexicon where acronyms are looked up: a text is embedded with each acronym the lexicon
	 * knows replaced by its words, so that a request and its spelled-out form embed alike; null
	 * embeds texts as they are
	 */
	public EmbeddingCache(EmbeddingModel model, long maxTexts, @Nullable Lexicon lexicon) {
		this.model = model;
		this.vectors = Caffeine.newBuilder().maximumSize(maxTexts).build();
		this.acronyms = (lexicon != null) ? new AcronymExpansion(lexicon) : null;
	}

	/** The unit-length embedding of a text; callers must not modify it. */
	public float[] embed(String text) {
		return embed(text, ModelCalls.NONE);
	}

	/**
	 * The unit-length embedding of a text; callers must not modify it.
	 * @param calls told when the model is called for it (not when the embedding was held)
	 */
	public float[] embed(String text, ModelCalls calls) {
		return this.vectors.get(text, t -> {
			EmbeddingResponse response = this.model
				.embedForResponse(List.of((this.acronyms != null) ? this.acronyms.expand(t) : t));
			EmbeddingResponseMetadata metadata = response.getMetadata();
			calls.called(metadata.getModel(), inputTokens(metadata.getUsage()));
			return normalize(response.getResult().getOutput());
		});
	}

	public EmbeddingModel model() {
		return this.model;
	}

	private static long inputTokens(@Nullable Usage usage) {
		if (usage == null) {
			return 0;
		}
		Integer tokens = (usage.getPromptTokens() != null) ? usage.getPromptTokens() : usage.getTotalTokens();
		return (tokens != null) ? tokens : 0;
	}

	/** What an embedding cost, for accounting. */
	@FunctionalInterface
	public interface ModelCalls {

		ModelCalls NONE = (model, inputTokens) -> {
		};

		/**
		 * The embedding model was called once.
		 * @param model the model it reported, or null/empty
		 * @param inputTokens the tokens it reported, 0 when it reports none (local models)
		 */
		void called(@Nullable String model, long inputTokens);

	}

	static float[] normalize(float[] vector) {
		double sum = 0;
		for (float v : vector) {
			sum += (double) v * v;
		}
		float[] unit = new float[vector.length];
		if (sum == 0) {
			return unit;
		}
		double norm = Math.sqrt(sum);
		for (int i = 0; i < vector.length; i++) {
			unit[i] = (float) (vector[i] / norm);
		}
		return unit;
	}

	static double dot(float[] a, float[] b) {
		if (a.length != b.length) {
			throw new IllegalArgumentException(
					"embeddings of different dimensions (" + a.length + " and " + b.length + "): was the model changed?");
		}
		double sum = 0;
		for (int i = 0; i < a.length; i++) {
			sum += a[i] * b[i];
		}
		return sum;
	}

}
