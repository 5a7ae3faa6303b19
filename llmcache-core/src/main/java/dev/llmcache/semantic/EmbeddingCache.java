package dev.llmcache.semantic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.ai.embedding.EmbeddingModel;

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

	/**
	 * @param model the embedding model
	 * @param maxTexts how many embeddings are held at most
	 */
	public EmbeddingCache(EmbeddingModel model, long maxTexts) {
		this.model = model;
		this.vectors = Caffeine.newBuilder().maximumSize(maxTexts).build();
	}

	/** The unit-length embedding of a text; callers must not modify it. */
	public float[] embed(String text) {
		return this.vectors.get(text, t -> normalize(this.model.embed(t)));
	}

	public EmbeddingModel model() {
		return this.model;
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
