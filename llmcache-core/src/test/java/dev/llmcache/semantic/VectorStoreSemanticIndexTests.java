package dev.llmcache.semantic;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * {@link VectorStoreSemanticIndex} over Spring AI's in-memory {@link SimpleVectorStore}: every
 * document scored, the filter evaluated as a predicate, metadata given back as stored.
 */
class VectorStoreSemanticIndexTests extends VectorStoreSemanticIndexContract {

	@Override
	VectorStore store(EmbeddingModel model) {
		return SimpleVectorStore.builder(model).build();
	}

}
