package dev.llmcache.compat;

import java.util.List;
import java.util.Random;

import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.SemanticIndex.Neighbor;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.Field;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application on Java 21+ with Lucene 10 on its class path (as Spring AI's vector stores,
 * Elasticsearch or Hibernate Search bring it) and llmcache's packaged jar: the semantic index's
 * graph search works, and so does the application's own Lucene, side by side.
 */
class Lucene10CompatTests {

	private static final int DIMENSIONS = 64;

	private final Random random = new Random(42);

	@Test
	void theApplicationHasLucene10() {
		assertThat(Version.LATEST.major).isGreaterThanOrEqualTo(10);
		assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(21);
	}

	@Test
	void theSemanticIndexSearchesItsGraphBesideLucene10() {
		for (InMemorySemanticIndex.Vectors vectors : InMemorySemanticIndex.Vectors.values()) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(100, 10_000, 10_000, vectors, Runnable::run);
			float[][] stored = new float[1000][];
			for (int i = 0; i < stored.length; i++) {
				stored[i] = unit();
				index.add(new IndexedRequest("b", "ns", null, "h" + i, "text " + i, stored[i], Long.MAX_VALUE));
			}
			for (int i = 0; i < stored.length; i += 97) {
				List<Neighbor> found = index.nearest("b", "", stored[i], 3, 0.5);
				assertThat(found).isNotEmpty();
				assertThat(found.get(0).entry().hash()).isEqualTo("h" + i);
			}
		}
	}

	@Test
	void theIndexUsesItsOwnRelocatedLucene() throws Exception {
		// The graph classes the index calls come from llmcache's jar, not from the application's Lucene.
		Class<?> builder = Class.forName("dev.llmcache.shaded.lucene.util.hnsw.HnswGraphBuilder");
		assertThat(builder.getProtectionDomain().getCodeSource().getLocation().toString()).contains("llmcache-core");
		assertThat(org.apache.lucene.util.hnsw.HnswGraphBuilder.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toString()).contains("lucene-core-10");
	}

	@Test
	void theApplicationsOwnLuceneStillWorks() throws Exception {
		try (ByteBuffersDirectory directory = new ByteBuffersDirectory();
				IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
			float[] wanted = unit();
			for (int i = 0; i < 200; i++) {
				Document document = new Document();
				document.add(new StringField("id", "d" + i, Field.Store.YES));
				document.add(new KnnFloatVectorField("v", (i == 42) ? wanted : unit(),
						VectorSimilarityFunction.DOT_PRODUCT));
				writer.addDocument(document);
			}
			writer.commit();
			try (DirectoryReader reader = DirectoryReader.open(directory)) {
				IndexSearcher searcher = new IndexSearcher(reader);
				TopDocs top = searcher.search(new KnnFloatVectorQuery("v", wanted, 1), 1);
				assertThat(searcher.storedFields().document(top.scoreDocs[0].doc).get("id")).isEqualTo("d42");
			}
		}
	}

	private float[] unit() {
		float[] v = new float[DIMENSIONS];
		double sum = 0;
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) this.random.nextGaussian();
			sum += v[i] * v[i];
		}
		float norm = (float) Math.sqrt(sum);
		for (int i = 0; i < v.length; i++) {
			v[i] /= norm;
		}
		return v;
	}

}
