package dev.llmcache.semantic;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * {@link VectorStoreSemanticIndex} over a Lucene-backed store ({@link LuceneVectorStore}): an HNSW
 * search with the bucket filter applied inside it, cosine scores mapped back, and metadata given
 * back as strings, as an external engine would. No engine with a Spring AI store runs on these
 * machines (Redis 7.0 without its search module, PostgreSQL without pgvector), so this is the
 * second store.
 */
class VectorStoreSemanticIndexOnLuceneTests extends VectorStoreSemanticIndexContract {

	@Override
	VectorStore store(EmbeddingModel model) {
		return new LuceneVectorStore(model);
	}

}
