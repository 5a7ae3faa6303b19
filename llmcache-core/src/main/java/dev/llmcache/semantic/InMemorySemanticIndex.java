package dev.llmcache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link SemanticIndex}: in this JVM, one index per bucket, so that a lookup costs no
 * network round trip. A bucket is scanned exactly while it is small (a scan of a few thousand
 * vectors takes well under a millisecond and is never wrong); past {@code approximateAbove}
 * entries it moves to an HNSW graph (Lucene's, in memory), whose lookup time grows with the
 * logarithm of the bucket's size. It goes back to a scan when it falls to half that size.
 *
 * <p>Graphs are built in the background: a bucket that crosses the threshold is scanned until its
 * graph is ready, and a graph worn by removals keeps answering until its replacement is, so no
 * caller storing an entry waits for a build (a minute and more at 100k entries). Writes made
 * during a build are applied to the new graph before it takes over.
 *
 * <p>Thread-safe: lookups run concurrently; writes to one bucket are serialized, and a lookup in
 * a graph waits while an entry is added to it (about a millisecond at 100k entries).
 */
public final class InMemorySemanticIndex implements SemanticIndex {

	/** Default size past which a bucket uses HNSW. */
	public static final int DEFAULT_APPROXIMATE_ABOVE = 2000;

	// HNSW parameters, chosen with SemanticLookupBenchmark's vectors (384 dimensions, clustered, 100k
	// entries in a bucket; 500 queries; 2 busy cores). Found the exact top-1 for, visited, built in:
	//   maxConn 12, beam 48, search 64: 0.982, 745 nodes, 63 s (search 96: 0.992, 1,146 nodes)
	//   maxConn 12, beam 96, search 64: 1.000, 991 nodes, 116 s (search 48: 0.998, 747 nodes)
	//   maxConn 16, beam 64, search 64: 0.998, 995 nodes, 91 s (search 48: 0.996, 738 nodes)
	//   maxConn 16, beam 32: 0.94 (build beams under ~48 lose topics that are islands)
	// Lookup time follows the nodes visited; a graph is built once per bucket and then an entry at a time.
	// Neighbours a node keeps per level (twice as many on level 0): the M of the HNSW paper.
	static final int MAX_CONN = 16;

	// Candidates kept while a node is inserted (efConstruction): the build cost and the graph quality.
	static final int BEAM_WIDTH = 64;

	// Candidates kept while searching (efSearch), at least; only the best `count` are returned.
	static final int SEARCH_BEAM = 64;

	// Node levels are drawn at random: seeded, so that a bucket's graph is the same from run to run.
	private static final long SEED = 42;

	private final int approximateAbove;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final Executor graphBuilder;

	public InMemorySemanticIndex() {
		this(DEFAULT_APPROXIMATE_ABOVE);
	}

	/**
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 */
	public InMemorySemanticIndex(int approximateAbove) {
		this(approximateAbove, backgroundBuilder());
	}

	/**
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 * @param graphBuilder where graphs are built: by default a background thread of this index's own;
	 * {@code Runnable::run} builds them on the writing thread, which then waits
	 */
	public InMemorySemanticIndex(int approximateAbove, Executor graphBuilder) {
		if (approximateAbove < 1) {
			throw new IllegalArgumentException("approximateAbove must be at least 1, got " + approximateAbove);
		}
		this.approximateAbove = approximateAbove;
		this.graphBuilder = graphBuilder;
	}

	// One thread at most, gone when idle, so that an index dropped with its application leaves none behind.
	private static Executor backgroundBuilder() {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				runnable -> {
					Thread thread = new Thread(runnable, "llmcache-semantic-graph");
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	@Override
	public void add(IndexedRequest entry) {
		this.buckets.computeIfAbsent(entry.bucket(), b -> new Bucket(this.approximateAbove, this.graphBuilder))
			.add(entry);
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
		return found != null && found.isApproximate();
	}

	private static final class Bucket {

		final Map<String, IndexedRequest> entries = new ConcurrentHashMap<>();

		private final int approximateAbove;

		// Guards the graph: lookups read it concurrently, a change to it excludes them.
		private final ReadWriteLock lock = new ReentrantReadWriteLock();

		private volatile @Nullable Graph graph;

		private final Executor graphBuilder;

		private final AtomicBoolean building = new AtomicBoolean();

		Bucket(int approximateAbove, Executor graphBuilder) {
			this.approximateAbove = approximateAbove;
			this.graphBuilder = graphBuilder;
		}

		synchronized void add(IndexedRequest entry) {
			Graph current = this.graph;
			if (current != null) {
				write(() -> current.add(entry));
				this.entries.put(entry.hash(), entry);
				if (current.isWorn()) {
					// Entries replaced again and again leave tombstones too.
					rebuild();
				}
			}
			else {
				this.entries.put(entry.hash(), entry);
				if (this.entries.size() > this.approximateAbove) {
					rebuild();
				}
			}
		}

		synchronized void remove(String hash) {
			if (this.entries.remove(hash) == null) {
				return;
			}
			Graph current = this.graph;
			if (current != null) {
				write(() -> current.remove(hash));
				if (this.entries.size() <= this.approximateAbove / 2) {
					// Well under the threshold (half, so that a bucket near it does not flip): a scan again.
					write(() -> this.graph = null);
				}
				else if (current.isWorn()) {
					rebuild();
				}
			}
		}

		/** Have a new graph of the entries built, unless one is being built. */
		private void rebuild() {
			if (!this.building.compareAndSet(false, true)) {
				return;
			}
			try {
				this.graphBuilder.execute(() -> {
					try {
						build();
					}
					finally {
						this.building.set(false);
					}
				});
			}
			catch (RuntimeException ex) {
				// Rejected: the bucket goes on as it is, and the next write asks again.
				this.building.set(false);
			}
		}

		/**
		 * A new graph of the entries, built while lookups and writes go on as before; the writes
		 * made meanwhile are applied to it, under the bucket's lock, before it takes over.
		 */
		private void build() {
			List<IndexedRequest> snapshot = List.copyOf(this.entries.values());
			if (snapshot.isEmpty()) {
				return;
			}
			Graph fresh = new Graph(snapshot.get(0).vector().length);
			for (IndexedRequest existing : snapshot) {
				fresh.add(existing);
			}
			synchronized (this) {
				for (IndexedRequest current : this.entries.values()) {
					if (fresh.entryOf(current.hash()) != current) {
						fresh.add(current);
					}
				}
				for (String hash : fresh.hashes()) {
					if (!this.entries.containsKey(hash)) {
						fresh.remove(hash);
					}
				}
				// A bucket that shrank to half the threshold meanwhile is scanned again (see remove).
				if (this.entries.size() > this.approximateAbove / 2) {
					write(() -> this.graph = fresh);
				}
			}
		}

		private void write(Runnable change) {
			this.lock.writeLock().lock();
			try {
				change.run();
			}
			finally {
				this.lock.writeLock().unlock();
			}
		}

		boolean isApproximate() {
			return this.graph != null;
		}

		List<Neighbor> nearest(float[] vector, int count, double minSimilarity) {
			List<Neighbor> found = null;
			if (this.graph != null) {
				this.lock.readLock().lock();
				try {
					Graph current = this.graph;
					if (current != null) {
						found = current.search(vector, count, minSimilarity);
					}
				}
				finally {
					this.lock.readLock().unlock();
				}
			}
			if (found == null) {
				found = new ArrayList<>();
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

	/**
	 * One bucket's HNSW graph: Lucene's on-heap graph, built and searched directly. One graph per
	 * bucket (not an index of segments, each with its own graph), no stored fields and no searcher
	 * to refresh: a lookup visits one graph and maps node numbers to entries through an array.
	 * Removed entries stay in the graph as tombstones (still walked, never returned) until they
	 * outnumber the live ones; the bucket then builds a new graph.
	 *
	 * <p>Not thread-safe by itself: the bucket guards it with a read-write lock.
	 */
	private static final class Graph {

		private final List<float[]> vectors = new ArrayList<>();

		private final List<@Nullable IndexedRequest> nodes = new ArrayList<>();

		private final Map<String, Integer> ords = new HashMap<>();

		private final RandomAccessVectorValues.Floats values;

		private final HnswGraphBuilder builder;

		private FixedBitSet live = new FixedBitSet(64);

		private int removed;

		Graph(int dimensions) {
			this.values = RandomAccessVectorValues.fromFloats(this.vectors, dimensions);
			try {
				this.builder = HnswGraphBuilder.create(DefaultFlatVectorScorer.INSTANCE
					.getRandomVectorScorerSupplier(VectorSimilarityFunction.DOT_PRODUCT, this.values), MAX_CONN,
						BEAM_WIDTH, SEED);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		int dimensions() {
			return this.values.dimension();
		}

		/** Tombstones that outnumber the live entries (and are many): time for a new graph. */
		boolean isWorn() {
			return this.removed > this.ords.size() && this.removed >= 1000;
		}

		void add(IndexedRequest entry) {
			if (entry.vector().length != dimensions()) {
				throw new IllegalArgumentException("embeddings of different dimensions (" + dimensions() + " and "
						+ entry.vector().length + "): was the model changed?");
			}
			remove(entry.hash());
			int ord = this.vectors.size();
			this.vectors.add(entry.vector());
			this.nodes.add(entry);
			this.ords.put(entry.hash(), ord);
			this.live = FixedBitSet.ensureCapacity(this.live, ord);
			this.live.set(ord);
			try {
				this.builder.addGraphNode(ord);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Nullable IndexedRequest entryOf(String hash) {
			Integer ord = this.ords.get(hash);
			return (ord != null) ? this.nodes.get(ord) : null;
		}

		List<String> hashes() {
			return List.copyOf(this.ords.keySet());
		}

		void remove(String hash) {
			Integer ord = this.ords.remove(hash);
			if (ord != null) {
				this.nodes.set(ord, null);
				this.live.clear(ord);
				this.removed++;
			}
		}

		/** The live entries nearest to a unit vector, most similar first, at least minSimilarity. */
		List<Neighbor> search(float[] vector, int count, double minSimilarity) {
			if (vector.length != dimensions()) {
				throw new IllegalArgumentException("embeddings of different dimensions (" + dimensions() + " and "
						+ vector.length + "): was the model changed?");
			}
			TopDocs top;
			try {
				RandomVectorScorer scorer = DefaultFlatVectorScorer.INSTANCE
					.getRandomVectorScorer(VectorSimilarityFunction.DOT_PRODUCT, this.values, vector);
				Bits accept = (this.removed == 0) ? null : this.live;
				top = HnswGraphSearcher
					.search(scorer, Math.max(count, SEARCH_BEAM), this.builder.getGraph(), accept, Integer.MAX_VALUE)
					.topDocs();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			// Lucene scores a dot product d as (1 + d) / 2; the similarity returned is computed exactly.
			float minScore = (float) ((1 + minSimilarity) / 2) - 1e-6f;
			List<Neighbor> found = new ArrayList<>(Math.min(count, top.scoreDocs.length));
			for (ScoreDoc doc : top.scoreDocs) {
				if (doc.score < minScore) {
					break;
				}
				IndexedRequest entry = this.nodes.get(doc.doc);
				if (entry != null) {
					double similarity = EmbeddingCache.dot(vector, entry.vector());
					if (similarity >= minSimilarity) {
						found.add(new Neighbor(entry, similarity));
					}
				}
			}
			return found;
		}

	}

}
