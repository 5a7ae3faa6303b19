package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmcache.key.CacheKey;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.MetadataMode;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.vectorstore.VectorStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What {@link VectorStoreSemanticIndex} must do over any {@link VectorStore}, run against each store
 * by a subclass, with an embedding model that knows a fixed vector per text, so that every
 * similarity is known in advance.
 */
abstract class VectorStoreSemanticIndexContract {

	private static final String RESET = "how do i reset my password?";

	/** 0.9 from RESET. */
	private static final String RESET_STEPS = "what are the steps to reset my password?";

	/** 0.6 from RESET. */
	private static final String RESET_PIN = "how do i reset my pin?";

	/** 0 from RESET. */
	private static final String EMAIL = "how do i change my email?";

	private final FixedEmbeddingModel model = new FixedEmbeddingModel(Map.of(RESET, new float[] { 1, 0, 0 },
			RESET_STEPS, new float[] { 0.9f, (float) Math.sqrt(1 - 0.81), 0 }, RESET_PIN, new float[] { 0.6f, 0.8f, 0 },
			EMAIL, new float[] { 0, 0, 1 }));

	private final VectorStoreSemanticIndex index = new VectorStoreSemanticIndex(store(this.model));

	/** The store under test, embedding with the given model. */
	abstract VectorStore store(EmbeddingModel model);

	@Test
	void addedEntryIsFoundWithItsKeyTextExpiryAndSimilarity() {
		String hash = "3f".repeat(32);
		this.index.add(entry("bucket-1", "tenant-1", hash, RESET, 1_700_000_000_000L));
		List<SemanticIndex.Neighbor> found = nearest("bucket-1", RESET_STEPS, 5, 0.5);
		assertThat(found).hasSize(1);
		IndexedRequest entry = found.get(0).entry();
		assertThat(entry.key()).isEqualTo(new CacheKey("faq", "tenant-1", hash));
		assertThat(entry.bucket()).isEqualTo("bucket-1");
		assertThat(entry.text()).isEqualTo(RESET);
		assertThat(entry.expiresAt()).isEqualTo(1_700_000_000_000L);
		assertThat(found.get(0).similarity()).isCloseTo(0.9, within(1e-4));
	}

	@Test
	void entryWithoutPartitionComesBackWithoutOne() {
		this.index.add(entry("bucket-1", null, "h1", RESET, Long.MAX_VALUE));
		assertThat(nearest("bucket-1", RESET, 5, 0.5)).singleElement()
			.satisfies(n -> assertThat(n.entry().partition()).isNull());
	}

	@Test
	void storedTextsAreEmbeddedWithoutTheirMetadata() {
		this.index.add(entry("bucket-1", "tenant-1", "h1", RESET, Long.MAX_VALUE));
		// The model embeds a document's formatted content, as OpenAI's does: only the text may be in it.
		assertThat(this.model.embedded).containsExactly(RESET);
		assertThat(nearest("bucket-1", RESET, 5, 0.99)).singleElement()
			.satisfies(n -> assertThat(n.similarity()).isCloseTo(1.0, within(1e-4)));
	}

	@Test
	void nearestSearchesTheGivenBucketOnly() {
		this.index.add(entry("bucket-1", null, "h1", RESET_PIN, Long.MAX_VALUE));
		this.index.add(entry("bucket-2", null, "h2", RESET, Long.MAX_VALUE));
		this.index.add(entry("bucket-2", null, "h3", RESET_STEPS, Long.MAX_VALUE));
		assertThat(nearest("bucket-1", RESET, 5, 0)).extracting(n -> n.entry().hash()).containsExactly("h1");
		assertThat(nearest("bucket-1", RESET, 5, 0)).allSatisfy(n -> assertThat(n.entry().bucket()).isEqualTo("bucket-1"));
		assertThat(nearest("bucket-3", RESET, 5, 0)).isEmpty();
	}

	@Test
	void sameHashInTwoBucketsIsTwoEntries() {
		this.index.add(entry("bucket-1", null, "h1", RESET, Long.MAX_VALUE));
		this.index.add(entry("bucket-2", null, "h1", RESET, Long.MAX_VALUE));
		this.index.remove("bucket-2", "h1");
		assertThat(nearest("bucket-1", RESET, 5, 0)).extracting(n -> n.entry().bucket()).containsExactly("bucket-1");
		assertThat(nearest("bucket-2", RESET, 5, 0)).isEmpty();
	}

	@Test
	void nearestIsOrderedBySimilarityAndLimitedToTheCount() {
		this.index.add(entry("bucket-1", null, "pin", RESET_PIN, Long.MAX_VALUE));
		this.index.add(entry("bucket-1", null, "reset", RESET, Long.MAX_VALUE));
		this.index.add(entry("bucket-1", null, "steps", RESET_STEPS, Long.MAX_VALUE));
		assertThat(nearest("bucket-1", RESET, 5, 0)).extracting(n -> n.entry().hash())
			.containsExactly("reset", "steps", "pin");
		assertThat(nearest("bucket-1", RESET, 2, 0)).extracting(n -> n.entry().hash()).containsExactly("reset", "steps");
	}

	@Test
	void entriesBelowTheMinimumSimilarityAreNotReturned() {
		this.index.add(entry("bucket-1", null, "steps", RESET_STEPS, Long.MAX_VALUE));
		this.index.add(entry("bucket-1", null, "pin", RESET_PIN, Long.MAX_VALUE));
		this.index.add(entry("bucket-1", null, "email", EMAIL, Long.MAX_VALUE));
		assertThat(nearest("bucket-1", RESET, 5, 0.85)).extracting(n -> n.entry().hash()).containsExactly("steps");
		assertThat(nearest("bucket-1", RESET, 5, 0.5)).extracting(n -> n.entry().hash()).containsExactly("steps", "pin");
		assertThat(nearest("bucket-1", RESET, 5, 0.95)).isEmpty();
	}

	@Test
	void removeDeletesThatEntryOnly() {
		this.index.add(entry("bucket-1", null, "h1", RESET, Long.MAX_VALUE));
		this.index.add(entry("bucket-1", null, "h2", RESET_STEPS, Long.MAX_VALUE));
		this.index.remove("bucket-1", "h1");
		this.index.remove("bucket-1", "unknown");
		this.index.remove("bucket-2", "h2");
		assertThat(nearest("bucket-1", RESET, 5, 0)).extracting(n -> n.entry().hash()).containsExactly("h2");
	}

	@Test
	void addingAnEntryAgainReplacesIt() {
		this.index.add(entry("bucket-1", null, "h1", RESET, 1_000L));
		this.index.add(entry("bucket-1", null, "h1", RESET, 2_000L));
		assertThat(nearest("bucket-1", RESET, 5, 0)).singleElement()
			.satisfies(n -> assertThat(n.entry().expiresAt()).isEqualTo(2_000L));
	}

	private List<SemanticIndex.Neighbor> nearest(String bucket, String text, int count, double minSimilarity) {
		return this.index.nearest(bucket, text, this.model.embed(text), count, minSimilarity);
	}

	private static IndexedRequest entry(String bucket, String partition, String hash, String text, long expiresAt) {
		return new IndexedRequest(bucket, "faq", partition, hash, text, new float[0], expiresAt);
	}

	/** Knows one vector per text and fails on any other, so a text embedded with extra content shows. */
	static final class FixedEmbeddingModel implements EmbeddingModel {

		private final Map<String, float[]> vectors;

		final List<String> embedded = new ArrayList<>();

		FixedEmbeddingModel(Map<String, float[]> vectors) {
			this.vectors = vectors;
		}

		@Override
		public EmbeddingResponse call(EmbeddingRequest request) {
			List<Embedding> embeddings = new ArrayList<>();
			for (String text : request.getInstructions()) {
				embeddings.add(new Embedding(embed(text), embeddings.size()));
			}
			return new EmbeddingResponse(embeddings);
		}

		@Override
		public float[] embed(String text) {
			float[] vector = this.vectors.get(text);
			if (vector == null) {
				throw new IllegalArgumentException("no fixed vector for " + text);
			}
			return vector.clone();
		}

		@Override
		public float[] embed(Document document) {
			String content = document.getFormattedContent(MetadataMode.EMBED);
			this.embedded.add(content);
			return embed(content);
		}

		@Override
		public String getEmbeddingContent(Document document) {
			return document.getFormattedContent(MetadataMode.EMBED);
		}

		@Override
		public int dimensions() {
			return 3;
		}

	}

}
