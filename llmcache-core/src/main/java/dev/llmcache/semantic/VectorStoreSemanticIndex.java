package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.ai.document.ContentFormatter;
import org.springframework.ai.document.DefaultContentFormatter;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

/**
 * A {@link SemanticIndex} held by a Spring AI {@link VectorStore} (Redis Stack, PGVector, Qdrant,
 * Elasticsearch...), for applications that already run one: entries are documents whose text is
 * the request text and whose metadata carry the bucket, the entry key and the expiry; searches
 * filter on the bucket, so they never cross buckets.
 *
 * <p>The store embeds with its own {@code EmbeddingModel}: give it the same one the tier uses.
 * The store shares the index between instances itself, so no Redis stream is needed. Document ids
 * are derived from bucket and hash, so storing an entry again replaces it. Only the text is
 * embedded, never the metadata. Stores that filter only on declared metadata fields (Redis,
 * Elasticsearch) must declare {@code llmcache_bucket}; documents of another bucket that a store
 * returns anyway are dropped. Entries found carry the query's vector, not their own (stores do not
 * return vectors). Thread-safe if the store is.
 */
public final class VectorStoreSemanticIndex implements SemanticIndex {

	static final String BUCKET = "llmcache_bucket";

	static final String NAMESPACE = "llmcache_ns";

	static final String PARTITION = "llmcache_p";

	static final String HASH = "llmcache_h";

	static final String EXPIRES_AT = "llmcache_x";

	private static final String[] KEYS = { BUCKET, NAMESPACE, PARTITION, HASH, EXPIRES_AT };

	/**
	 * Embeds the text alone: models such as OpenAI's embed a document's text with its metadata
	 * by default, which would put every entry away from the same text embedded as a query.
	 */
	private static final ContentFormatter TEXT_ONLY = DefaultContentFormatter.builder()
		.withTextTemplate("{content}")
		.withExcludedEmbedMetadataKeys(KEYS)
		.withExcludedInferenceMetadataKeys(KEYS)
		.build();

	private final VectorStore store;

	public VectorStoreSemanticIndex(VectorStore store) {
		this.store = store;
	}

	@Override
	public void add(IndexedRequest entry) {
		Map<String, Object> metadata = new HashMap<>();
		metadata.put(BUCKET, entry.bucket());
		metadata.put(NAMESPACE, entry.namespace());
		if (entry.partition() != null) {
			metadata.put(PARTITION, entry.partition());
		}
		metadata.put(HASH, entry.hash());
		metadata.put(EXPIRES_AT, entry.expiresAt());
		Document document = Document.builder()
			.id(id(entry.bucket(), entry.hash()))
			.text(entry.text())
			.metadata(metadata)
			.build();
		document.setContentFormatter(TEXT_ONLY);
		this.store.add(List.of(document));
	}

	@Override
	public List<Neighbor> nearest(String bucket, String text, float[] vector, int count, double minSimilarity) {
		SearchRequest request = SearchRequest.builder()
			.query(text)
			.topK(count)
			.similarityThreshold(minSimilarity)
			.filterExpression(new FilterExpressionBuilder().eq(BUCKET, bucket).build())
			.build();
		List<Document> documents = this.store.similaritySearch(request);
		List<Neighbor> found = new ArrayList<>();
		if (documents == null) {
			return found;
		}
		for (Document document : documents) {
			Map<String, Object> metadata = document.getMetadata();
			if (!bucket.equals(metadata.get(BUCKET)) || !(metadata.get(HASH) instanceof String)) {
				// A store that ignored the filter, or a document that is not ours: never cross buckets.
				continue;
			}
			IndexedRequest entry = new IndexedRequest((String) metadata.get(BUCKET), (String) metadata.get(NAMESPACE),
					(String) metadata.get(PARTITION), (String) metadata.get(HASH),
					(document.getText() != null) ? document.getText() : "", vector,
					expiresAt(metadata.get(EXPIRES_AT)));
			found.add(new Neighbor(entry, (document.getScore() != null) ? document.getScore() : minSimilarity));
		}
		return found;
	}

	/**
	 * Stores give metadata back as they keep it: a long, a double (JSON) or a string (Redis). An
	 * expiry that is missing or unreadable is left to the exact-match tiers, which hold the answer.
	 */
	private static long expiresAt(Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return (long) Double.parseDouble(text.trim());
			}
			catch (NumberFormatException ex) {
				return Long.MAX_VALUE;
			}
		}
		return Long.MAX_VALUE;
	}

	@Override
	public void remove(String bucket, String hash) {
		this.store.delete(List.of(id(bucket, hash)));
	}

	@Override
	public int size() {
		return -1;
	}

	/** A UUID derived from bucket and hash: stores such as Qdrant and PGVector require UUID ids. */
	static String id(String bucket, String hash) {
		return java.util.UUID.nameUUIDFromBytes((bucket + ":" + hash).getBytes(java.nio.charset.StandardCharsets.UTF_8))
			.toString();
	}

}
