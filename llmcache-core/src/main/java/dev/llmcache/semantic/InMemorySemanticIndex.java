package dev.llmcache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link SemanticIndex}: in this JVM, one index per bucket, so that a lookup costs no
 * network round trip. A bucket is scanned exactly while it is small (a scan of a few thousand
 * vectors takes well under a millisecond and is never wrong); past {@code approximateAbove}
 * entries it moves to an HNSW graph (Lucene's, in memory), whose lookup time grows with the
 * logarithm of the bucket's size.
 *
 * <p>Thread-safe: lookups run concurrently; writes to one bucket are serialized.
 */
public final class InMemorySemanticIndex implements SemanticIndex {

	/** Default size past which a bucket uses HNSW. */
	public static final int DEFAULT_APPROXIMATE_ABOVE = 2000;

	// Lucene's search beam (its k) is at least this wide, for recall; only the best are returned.
	private static final int MIN_BEAM = 64;

	private final int approximateAbove;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	public InMemorySemanticIndex() {
		this(DEFAULT_APPROXIMATE_ABOVE);
	}

	/**
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 */
	public InMemorySemanticIndex(int approximateAbove) {
		if (approximateAbove < 1) {
			throw new IllegalArgumentException("approximateAbove must be at least 1, got " + approximateAbove);
		}
		this.approximateAbove = approximateAbove;
	}

	@Override
	public void add(IndexedRequest entry) {
		this.buckets.computeIfAbsent(entry.bucket(), b -> new Bucket()).add(entry, this.approximateAbove);
	}

	@Override
	public List<Neighbor> nearest(String bucket, String text, float[] vector, int count, double minSimilarity) {
		Bucket found = this.buckets.get(bucket);
		return (found != null) ? found.nearest(vector, count, minSimilarity) : List.of();
	}

	@Override
	public void remove(String bucket, String hash) {
		Bucket found = this.buckets.get(bucket);
		if (found != null) {
			found.remove(hash);
		}
	}

	@Override
	public void removeExpired(long now) {
		for (Bucket bucket : this.buckets.values()) {
			for (IndexedRequest entry : bucket.entries.values()) {
				if (entry.isExpired(now)) {
					bucket.remove(entry.hash());
				}
			}
		}
	}

	@Override
	public int size() {
		return this.buckets.values().stream().mapToInt(b -> b.entries.size()).sum();
	}

	/** Whether a bucket has moved to approximate search, for tests. */
	boolean isApproximate(String bucket) {
		Bucket found = this.buckets.get(bucket);
		return found != null && found.hnsw != null;
	}

	private static final class Bucket {

		final Map<String, IndexedRequest> entries = new ConcurrentHashMap<>();

		volatile @Nullable Hnsw hnsw;

		synchronized void add(IndexedRequest entry, int approximateAbove) {
			this.entries.put(entry.hash(), entry);
			Hnsw graph = this.hnsw;
			if (graph != null) {
				graph.add(entry);
			}
			else if (this.entries.size() > approximateAbove) {
				graph = new Hnsw();
				for (IndexedRequest existing : this.entries.values()) {
					graph.add(existing);
				}
				this.hnsw = graph;
			}
		}

		synchronized void remove(String hash) {
			if (this.entries.remove(hash) != null && this.hnsw != null) {
				this.hnsw.remove(hash);
			}
		}

		List<Neighbor> nearest(float[] vector, int count, double minSimilarity) {
			Hnsw graph = this.hnsw;
			List<Neighbor> found = new ArrayList<>();
			if (graph != null) {
				for (String hash : graph.search(vector, Math.max(count, MIN_BEAM))) {
					IndexedRequest entry = this.entries.get(hash);
					if (entry != null) {
						double similarity = EmbeddingCache.dot(vector, entry.vector());
						if (similarity >= minSimilarity) {
							found.add(new Neighbor(entry, similarity));
						}
					}
				}
			}
			else {
				for (IndexedRequest entry : this.entries.values()) {
					double similarity = EmbeddingCache.dot(vector, entry.vector());
					if (similarity >= minSimilarity) {
						found.add(new Neighbor(entry, similarity));
					}
				}
			}
			found.sort(Comparator.comparingDouble(Neighbor::similarity).reversed());
			return (found.size() > count) ? List.copyOf(found.subList(0, count)) : found;
		}

	}

	/** One bucket's HNSW graph: a Lucene index in memory holding only the hash and the vector. */
	private static final class Hnsw {

		private static final String HASH = "h";

		private static final String VECTOR = "v";

		private final IndexWriter writer;

		private final SearcherManager searchers;

		private final AtomicBoolean dirty = new AtomicBoolean();

		Hnsw() {
			try {
				IndexWriterConfig config = new IndexWriterConfig();
				// Lookups, not durability: a larger buffer means fewer, larger segments to search.
				config.setRAMBufferSizeMB(64);
				this.writer = new IndexWriter(new ByteBuffersDirectory(), config);
				this.searchers = new SearcherManager(this.writer, null);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void add(IndexedRequest entry) {
			Document document = new Document();
			document.add(new StringField(HASH, entry.hash(), Field.Store.YES));
			document.add(new KnnFloatVectorField(VECTOR, entry.vector(), VectorSimilarityFunction.DOT_PRODUCT));
			try {
				this.writer.updateDocument(new Term(HASH, entry.hash()), document);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.dirty.set(true);
		}

		void remove(String hash) {
			try {
				this.writer.deleteDocuments(new Term(HASH, hash));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.dirty.set(true);
		}

		List<String> search(float[] vector, int beam) {
			try {
				if (this.dirty.compareAndSet(true, false)) {
					this.searchers.maybeRefreshBlocking();
				}
				IndexSearcher searcher = this.searchers.acquire();
				try {
					TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, beam), beam);
					StoredFields stored = searcher.storedFields();
					List<String> hashes = new ArrayList<>(top.scoreDocs.length);
					for (ScoreDoc doc : top.scoreDocs) {
						hashes.add(stored.document(doc.doc).get(HASH));
					}
					return hashes;
				}
				finally {
					this.searchers.release(searcher);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
