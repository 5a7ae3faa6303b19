package dev.llmcache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * A second in-JVM {@link VectorStore}, unlike Spring AI's {@code SimpleVectorStore} where it
 * matters to an adapter: documents live in a Lucene index (in memory) and are searched through
 * its HNSW codec, the filter is translated into a Lucene query applied during the graph search
 * (a pre-filter, as external engines do, rather than a predicate over every document), scores
 * are Lucene's cosine scores mapped back to similarities, and metadata come back as strings, as
 * Redis gives them. Filters support what a cache adapter asks (EQ, NE, AND, OR, NOT, IN on string
 * values); anything else fails, so an adapter relying on more shows. Thread-safe (Lucene's writer).
 */
final class LuceneVectorStore implements VectorStore {

	private static final String ID = "_id";

	private static final String TEXT = "_text";

	private static final String VECTOR = "_vector";

	private static final String METADATA = "m.";

	private final EmbeddingModel model;

	private final IndexWriter writer;

	LuceneVectorStore(EmbeddingModel model) {
		this.model = model;
		try {
			this.writer = new IndexWriter(new ByteBuffersDirectory(), new IndexWriterConfig());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void add(List<Document> documents) {
		try {
			for (Document document : documents) {
				org.apache.lucene.document.Document stored = new org.apache.lucene.document.Document();
				stored.add(new StringField(ID, document.getId(), Field.Store.YES));
				stored.add(new StoredField(TEXT, (document.getText() != null) ? document.getText() : ""));
				stored.add(new KnnFloatVectorField(VECTOR, this.model.embed(document), VectorSimilarityFunction.COSINE));
				document.getMetadata()
					.forEach((key, value) -> stored.add(new StringField(METADATA + key, String.valueOf(value),
							Field.Store.YES)));
				this.writer.updateDocument(new Term(ID, document.getId()), stored);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void delete(List<String> ids) {
		try {
			for (String id : ids) {
				this.writer.deleteDocuments(new Term(ID, id));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void delete(Filter.Expression filter) {
		try {
			this.writer.deleteDocuments(query(filter));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public List<Document> similaritySearch(SearchRequest request) {
		float[] vector = this.model.embed(request.getQuery());
		Query filter = request.hasFilterExpression() ? query(request.getFilterExpression()) : null;
		List<Document> found = new ArrayList<>();
		try (DirectoryReader reader = DirectoryReader.open(this.writer)) {
			IndexSearcher searcher = new IndexSearcher(reader);
			for (ScoreDoc hit : searcher.search(new KnnFloatVectorQuery(VECTOR, vector, request.getTopK(), filter),
					request.getTopK()).scoreDocs) {
				// Lucene scores a cosine c as (1 + c) / 2.
				double similarity = 2.0 * hit.score - 1.0;
				if (similarity < request.getSimilarityThreshold()) {
					continue;
				}
				org.apache.lucene.document.Document stored = searcher.storedFields().document(hit.doc);
				Map<String, Object> metadata = new LinkedHashMap<>();
				for (IndexableField field : stored.getFields()) {
					if (field.name().startsWith(METADATA)) {
						metadata.put(field.name().substring(METADATA.length()), field.stringValue());
					}
				}
				found.add(Document.builder()
					.id(stored.get(ID))
					.text(stored.get(TEXT))
					.metadata(metadata)
					.score(similarity)
					.build());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return found;
	}

	private static Query query(Filter.Operand operand) {
		if (!(operand instanceof Filter.Expression expression)) {
			throw new UnsupportedOperationException("not a filter expression: " + operand);
		}
		return switch (expression.type()) {
			case EQ -> term(expression);
			case NE -> new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
				.add(term(expression), Occur.MUST_NOT)
				.build();
			case AND -> new BooleanQuery.Builder().add(query(expression.left()), Occur.FILTER)
				.add(query(expression.right()), Occur.FILTER)
				.build();
			case OR -> new BooleanQuery.Builder().add(query(expression.left()), Occur.SHOULD)
				.add(query(expression.right()), Occur.SHOULD)
				.setMinimumNumberShouldMatch(1)
				.build();
			case NOT -> new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
				.add(query(expression.left()), Occur.MUST_NOT)
				.build();
			case IN -> {
				BooleanQuery.Builder any = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
				String key = ((Filter.Key) expression.left()).key();
				for (Object value : (List<?>) ((Filter.Value) expression.right()).value()) {
					any.add(new TermQuery(new Term(METADATA + key, String.valueOf(value))), Occur.SHOULD);
				}
				yield any.build();
			}
			default -> throw new UnsupportedOperationException("filter " + expression.type() + " is not supported");
		};
	}

	private static Query term(Filter.Expression expression) {
		String key = ((Filter.Key) expression.left()).key();
		return new TermQuery(new Term(METADATA + key, String.valueOf(((Filter.Value) expression.right()).value())));
	}

}
