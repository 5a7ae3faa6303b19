package dev.llmcache.semantic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.InitializedHnswGraphBuilder;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
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
 * <p>A graph holds most of its entries in frozen, compact links (neighbour ids at their exact
 * size, no scores) and the entries added since its last build or merge in a small tail, linked to
 * nothing and scanned; past a 128th of the frozen part, the tail is merged into a new frozen part
 * in the background (lookups meanwhile search the frozen part, the tail being merged and a fresh
 * one), so that the links cost about a third of what Lucene's growable graph keeps and adding an
 * entry costs no linking under the bucket's lock.
 * Builds and merges run on one background thread per index, which {@link #close()} stops.
 *
 * <p>Bounded: at most {@code maxEntries} entries in all and {@code maxEntriesPerBucket} in one
 * bucket. Past a bound the least valuable entries go first: the least recently hit, where an entry
 * never hit counts from when it was added (so the oldest of those goes first). Evictions are
 * counted ({@link #evictions()}). An evicted entry stays answerable from L1 and L2 by its exact
 * key; only its paraphrases miss.
 *
 * <p>Vectors are kept as {@link Vectors#INT8} by default: scalar-quantized to one signed byte per
 * dimension with a scale per vector (the largest magnitude maps to 127), a quarter of the floats'
 * size. Similarities are computed between the float query and the quantized entry (and between
 * quantized entries while a graph is built); for unit vectors of 384 dimensions they differ from
 * the float ones by about 0.001. See docs/semantic.md for the recall measured at 100k entries.
 *
 * <p>An entry is held in few objects: its hash (a SHA-256 in hex) as four longs, its text as UTF-8
 * (in the codes' array when quantized), the bucket's namespace and partition shared, one tick for
 * its age and last hit; graphs map nodes to entries through a list and know a removed entry by a
 * flag on it. 610 bytes per int8 entry scanned, 713 in a graph (100k entries), where the float entries of before
 * took 1,890 and 2,332 (docs/semantic.md). A scan keeps the best few as it goes.
 *
 * <p>Lucene is used through its HNSW graph builder and searcher only, with scorers of our own over
 * our own vector storage.
 *
 * <p>Thread-safe: lookups run concurrently; writes to one bucket are serialized, and a lookup in
 * a graph waits while an entry is appended to its tail or a merged
 * part is swapped in, never for a build or a merge.
 */
public final class InMemorySemanticIndex implements SemanticIndex, AutoCloseable {

	/** How vectors are held in memory. */
	public enum Vectors {

		/** As given: 4 bytes per dimension; similarities are exact. */
		FLOAT32,

		/** Scalar-quantized: 1 byte per dimension and a scale per vector. */
		INT8

	}

	/** Default size past which a bucket uses HNSW. */
	public static final int DEFAULT_APPROXIMATE_ABOVE = 2000;

	/** Default bound of the entries in all buckets, and in one. */
	public static final int DEFAULT_MAX_ENTRIES = 100_000;

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

	// A graph's tail (the entries added since its frozen part was made, scanned by every lookup) is
	// merged into the frozen part past this share of it (a 128th): a lookup's cost grows with the
	// tail, a merge's background CPU with how often it runs. MemoryReport at 100k entries, CPU per
	// lookup against the code before frozen links: 0.94x with a 128th, the tail scanned as a bucket
	// is (see BENCHMARKS.md for the shares and scans tried).
	static final int MERGE_SHARE = 128;

	// ...or past this many entries, whichever is more: small frozen parts are not copied at every few entries.
	static final int MIN_MERGED = 256;

	// Node levels are drawn at random: seeded, so that a bucket's graph is the same from run to run.
	private static final long SEED = 42;

	// Least valuable first: the entry least recently hit, or, if never hit, added the longest ago.
	private static final Comparator<Stored> LEAST_VALUABLE_FIRST = Comparator.comparingLong(Stored::lastUsed);

	private final int approximateAbove;

	private final int maxEntries;

	private final int maxEntriesPerBucket;

	private final Vectors vectors;

	private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final Executor graphBuilder;

	private final AtomicInteger size = new AtomicInteger();

	// Orders additions and hits: an entry's age and recency.
	private final AtomicLong ticks = new AtomicLong();

	// Ticks of entries added as older than all: counting down from 0, below every tick of `ticks`.
	private final AtomicLong olderTicks = new AtomicLong();

	private final AtomicLong evictions = new AtomicLong();

	// Run by a merge between sealing the tail and merging it: tests hold a merge there.
	volatile Runnable whileMerging = () -> {
	};

	// Names the background threads of the indexes of this class loader apart.
	private static final AtomicInteger BUILDERS = new AtomicInteger();

	private final Object evicting = new Object();

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
	 * An index of float vectors without a bound on its entries.
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 * @param graphBuilder where graphs are built: by default a background thread of this index's own;
	 * {@code Runnable::run} builds them on the writing thread, which then waits
	 */
	public InMemorySemanticIndex(int approximateAbove, Executor graphBuilder) {
		this(approximateAbove, Integer.MAX_VALUE, Integer.MAX_VALUE, Vectors.FLOAT32, graphBuilder);
	}

	/**
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 * @param maxEntries most entries held in all buckets
	 * @param maxEntriesPerBucket most entries held in one bucket
	 * @param vectors how vectors are held
	 * @param graphBuilder where graphs are built; see {@link #InMemorySemanticIndex(int, Executor)}
	 */
	public InMemorySemanticIndex(int approximateAbove, int maxEntries, int maxEntriesPerBucket, Vectors vectors,
			Executor graphBuilder) {
		if (approximateAbove < 1) {
			throw new IllegalArgumentException("approximateAbove must be at least 1, got " + approximateAbove);
		}
		if (maxEntries < 1 || maxEntriesPerBucket < 1) {
			throw new IllegalArgumentException("maxEntries and maxEntriesPerBucket must be at least 1, got "
					+ maxEntries + " and " + maxEntriesPerBucket);
		}
		this.approximateAbove = approximateAbove;
		this.maxEntries = maxEntries;
		this.maxEntriesPerBucket = maxEntriesPerBucket;
		this.vectors = vectors;
		this.graphBuilder = graphBuilder;
	}

	/**
	 * A bounded index whose graphs are built on a background thread of its own.
	 * @param approximateAbove bucket size past which approximate (HNSW) search is used
	 * @param maxEntries most entries held in all buckets
	 * @param maxEntriesPerBucket most entries held in one bucket
	 * @param vectors how vectors are held ({@link Vectors#INT8} unless exact similarities are needed)
	 */
	public static InMemorySemanticIndex bounded(int approximateAbove, int maxEntries, int maxEntriesPerBucket,
			Vectors vectors) {
		return new InMemorySemanticIndex(approximateAbove, maxEntries, maxEntriesPerBucket, vectors,
				backgroundBuilder());
	}

	// One thread at most, builds and merges alike, gone when idle, so that an index dropped with its
	// application leaves none behind; named per index, so that one index's thread can be told apart.
	static Executor backgroundBuilder() {
		OwnBuilder executor = new OwnBuilder("llmcache-semantic-graph-" + BUILDERS.incrementAndGet());
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/** The index's own background thread, as opposed to an executor it was given. */
	private static final class OwnBuilder extends ThreadPoolExecutor {

		OwnBuilder(String threadName) {
			super(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
				Thread thread = new Thread(runnable, threadName);
				thread.setDaemon(true);
				return thread;
			});
		}

	}

	/**
	 * Stops the index's own background thread, if it has one (an executor given to a constructor is
	 * the caller's to stop): a build or merge under way gives up, and none starts any more. The index
	 * still answers and takes entries afterwards, with the graphs it has (new entries join a graph's
	 * tail, and a bucket that outgrows its scan stays scanned).
	 */
	@Override
	public void close() {
		if (this.graphBuilder instanceof OwnBuilder own) {
			own.shutdownNow();
		}
	}

	/** Waits for the index's own background thread to end after {@link #close()}, for tests. */
	boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
		return !(this.graphBuilder instanceof OwnBuilder own) || own.awaitTermination(timeout, unit);
	}

	@Override
	public void add(IndexedRequest entry) {
		add(entry, this.ticks.incrementAndGet(), false);
	}

	/**
	 * {@inheritDoc}
	 * <p>Entries added this way (a replay, in bulk) are not linked into a bucket's graph one by one,
	 * which costs about a millisecond each at 100k entries: they are scanned exactly until the
	 * bucket's next graph, built in the background after {@link #olderAdded()}, takes them in.
	 */
	@Override
	public void addOlder(IndexedRequest entry) {
		add(entry, this.olderTicks.decrementAndGet(), true);
	}

	private void add(IndexedRequest entry, long added, boolean bulk) {
		Bucket bucket = this.buckets.computeIfAbsent(entry.bucket(),
				b -> new Bucket(this.approximateAbove, this.graphBuilder, () -> this.whileMerging.run()));
		Origin origin = bucket.origin(entry);
		Stored stored = (this.vectors == Vectors.INT8) ? new QuantizedEntry(origin, entry) : new FloatEntry(origin, entry);
		stored.lastUsed = added;
		if (bucket.add(stored, bulk)) {
			this.size.incrementAndGet();
		}
		int over = bucket.entries.size() - this.maxEntriesPerBucket;
		if (over > 0) {
			evicted(bucket.evict(over + slack(this.maxEntriesPerBucket)));
		}
		if (this.size.get() > this.maxEntries) {
			evictFromAll();
		}
	}

	// Evicting a little more than needed makes the cost of ranking the entries rare: once per 1% of the bound.
	private static int slack(int bound) {
		return Math.max(1, bound / 100);
	}

	private void evicted(int count) {
		this.size.addAndGet(-count);
		this.evictions.addAndGet(count);
	}

	private void evictFromAll() {
		synchronized (this.evicting) {
			int over = this.size.get() - this.maxEntries;
			if (over <= 0) {
				return;
			}
			int count = over + slack(this.maxEntries);
			// The `count` least valuable of all, in a heap whose head is the most valuable of them.
			PriorityQueue<Stored> victims = new PriorityQueue<>(count + 1, LEAST_VALUABLE_FIRST.reversed());
			for (Bucket bucket : this.buckets.values()) {
				for (Stored stored : bucket.entries.values()) {
					if (victims.size() < count) {
						victims.add(stored);
					}
					else if (LEAST_VALUABLE_FIRST.compare(stored, victims.peek()) < 0) {
						victims.poll();
						victims.add(stored);
					}
				}
			}
			int removed = 0;
			for (Stored victim : victims) {
				Bucket bucket = this.buckets.get(victim.origin.bucket());
				if (bucket != null && bucket.remove(victim.key, victim)) {
					removed++;
				}
			}
			evicted(removed);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>Buckets that a replay took past {@code approximateAbove} have their graphs built now, in
	 * the background: one build per bucket instead of builds that start over as entries come.
	 */
	@Override
	public void olderAdded() {
		for (Bucket bucket : this.buckets.values()) {
			bucket.bulkAdded();
		}
	}

	@Override
	public List<Neighbor> nearest(String bucket, String text, float[] vector, int count, double minSimilarity) {
		Bucket found = this.buckets.get(bucket);
		return (found != null) ? found.nearest(vector, count, minSimilarity) : List.of();
	}

	@Override
	public void remove(String bucket, String hash) {
		Bucket found = this.buckets.get(bucket);
		if (found != null && found.remove(Key.of(hash), null)) {
			this.size.decrementAndGet();
		}
	}

	@Override
	public void recordHit(String bucket, String hash) {
		Bucket found = this.buckets.get(bucket);
		Stored stored = (found != null) ? found.entries.get(Key.of(hash)) : null;
		if (stored != null) {
			stored.lastUsed = this.ticks.incrementAndGet();
		}
	}

	@Override
	public void removeExpired(long now) {
		for (Bucket bucket : this.buckets.values()) {
			for (Stored entry : bucket.entries.values()) {
				if (now >= entry.expiresAt() && bucket.remove(entry.key, entry)) {
					this.size.decrementAndGet();
				}
			}
		}
	}

	@Override
	public int size() {
		return this.size.get();
	}

	/** Entries evicted to keep within the bounds since this index was created. */
	public long evictions() {
		return this.evictions.get();
	}

	/** Whether an entry is held, for tests. */
	boolean contains(String bucket, String hash) {
		Bucket found = this.buckets.get(bucket);
		return found != null && found.entries.containsKey(Key.of(hash));
	}

	/** Whether a bucket has moved to approximate search, for tests. */
	boolean isApproximate(String bucket) {
		Bucket found = this.buckets.get(bucket);
		return found != null && found.isApproximate();
	}

	/**
	 * An entry as the index holds it, in as few objects as it can: its hash as a key of 32 bytes
	 * (not a 64-character string), its text as UTF-8 bytes, its vector in the index's form and one
	 * tick for its age or last hit. {@link #request()} rebuilds the entry the index was given.
	 */
	private abstract static class Stored {

		// Bucket, namespace and partition: one object shared by the entries of a bucket.
		final Origin origin;

		final Key key;

		final long expiresAt;

		// The tick it was added at, then of its last hit: hits are always later than any addition.
		volatile long lastUsed;

		// Set once (replaced, removed or evicted), under the bucket's lock and its graph's write lock;
		// graphs still walk through it but never return it.
		boolean removed;

		Stored(Origin origin, IndexedRequest request) {
			this.origin = origin;
			this.key = Key.of(request.hash());
			this.expiresAt = request.expiresAt();
		}

		long lastUsed() {
			return this.lastUsed;
		}

		String hash() {
			return this.key.hash();
		}

		long expiresAt() {
			return this.expiresAt;
		}

		abstract int dimensions();

		/** The vector as held (dequantized if quantized). */
		abstract float[] vector();

		abstract String text();

		/** The entry, with its vector as held (dequantized if quantized). */
		IndexedRequest request() {
			return new IndexedRequest(this.origin.bucket(), this.origin.namespace(), this.origin.partition(),
					this.key.hash(), text(), vector(), this.expiresAt);
		}

		/** Similarity to a unit query vector. */
		abstract double similarity(float[] query);

		/** Similarity to another entry of the same form. */
		abstract float similarity(Stored other);

	}

	/**
	 * An entry's hash as the entries are keyed by: the SHA-256 in lowercase hex that cache keys
	 * hold, as four longs (48 bytes on the heap instead of 104), or any other string as it is.
	 */
	private interface Key {

		String hash();

		static Key of(String hash) {
			if (hash.length() != 64) {
				return new TextKey(hash);
			}
			for (int i = 0; i < 64; i++) {
				char c = hash.charAt(i);
				if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
					return new TextKey(hash);
				}
			}
			return new HexKey(Long.parseUnsignedLong(hash, 0, 16, 16), Long.parseUnsignedLong(hash, 16, 32, 16),
					Long.parseUnsignedLong(hash, 32, 48, 16), Long.parseUnsignedLong(hash, 48, 64, 16));
		}

	}

	private record HexKey(long a, long b, long c, long d) implements Key {

		@Override
		public String hash() {
			char[] hex = new char[64];
			write(this.a, hex, 0);
			write(this.b, hex, 16);
			write(this.c, hex, 32);
			write(this.d, hex, 48);
			return new String(hex);
		}

		private static void write(long value, char[] into, int at) {
			for (int i = 15; i >= 0; i--) {
				into[at + i] = Character.forDigit((int) (value & 0xF), 16);
				value >>>= 4;
			}
		}

	}

	private record TextKey(String hash) implements Key {
	}

	/** What the entries of a bucket share (namespace and partition are part of the bucket). */
	private record Origin(String bucket, String namespace, @Nullable String partition) {
	}

	private static final class FloatEntry extends Stored {

		private final float[] vector;

		private final byte[] text;

		FloatEntry(Origin origin, IndexedRequest request) {
			super(origin, request);
			this.vector = request.vector();
			this.text = request.text().getBytes(StandardCharsets.UTF_8);
		}

		@Override
		String text() {
			return new String(this.text, StandardCharsets.UTF_8);
		}

		@Override
		int dimensions() {
			return this.vector.length;
		}

		@Override
		float[] vector() {
			return this.vector;
		}

		@Override
		double similarity(float[] query) {
			return dot(query, this.vector);
		}

		// In double, as EmbeddingCache.dot, but in four sums: each addition waits only for the one
		// before it in its own chain, which makes a scan about three times faster.
		private static double dot(float[] query, float[] vector) {
			double s0 = 0;
			double s1 = 0;
			double s2 = 0;
			double s3 = 0;
			int i = 0;
			for (int upper = vector.length & ~3; i < upper; i += 4) {
				s0 += query[i] * vector[i];
				s1 += query[i + 1] * vector[i + 1];
				s2 += query[i + 2] * vector[i + 2];
				s3 += query[i + 3] * vector[i + 3];
			}
			for (; i < vector.length; i++) {
				s0 += query[i] * vector[i];
			}
			return (s0 + s1) + (s2 + s3);
		}

		@Override
		float similarity(Stored other) {
			return VectorUtil.dotProduct(this.vector, ((FloatEntry) other).vector);
		}

	}

	/**
	 * One byte per dimension: {@code round(x / scale)} with {@code scale = max|x| / 127}, so that
	 * every vector uses the full range of a byte whatever its largest component. The codes and the
	 * text's UTF-8 bytes share one array, which saves an array (16 bytes) per entry.
	 */
	static final class QuantizedEntry extends Stored {

		// The codes, then the text.
		private final byte[] codes;

		private final short dimensions;

		private final float scale;

		QuantizedEntry(Origin origin, IndexedRequest request) {
			super(origin, request);
			float[] vector = request.vector();
			if (vector.length > Short.MAX_VALUE) {
				throw new IllegalArgumentException("embeddings of more than " + Short.MAX_VALUE + " dimensions");
			}
			float max = 0;
			for (float x : vector) {
				max = Math.max(max, Math.abs(x));
			}
			this.scale = (max > 0) ? max / 127 : 1;
			this.dimensions = (short) vector.length;
			byte[] text = request.text().getBytes(StandardCharsets.UTF_8);
			this.codes = new byte[vector.length + text.length];
			quantize(vector, this.scale, this.codes);
			System.arraycopy(text, 0, this.codes, vector.length, text.length);
		}

		static byte[] quantize(float[] vector, float scale) {
			byte[] codes = new byte[vector.length];
			quantize(vector, scale, codes);
			return codes;
		}

		private static void quantize(float[] vector, float scale, byte[] into) {
			for (int i = 0; i < vector.length; i++) {
				into[i] = (byte) Math.max(-127, Math.min(127, Math.round(vector[i] / scale)));
			}
		}

		@Override
		int dimensions() {
			return this.dimensions;
		}

		@Override
		String text() {
			return new String(this.codes, this.dimensions, this.codes.length - this.dimensions, StandardCharsets.UTF_8);
		}

		@Override
		float[] vector() {
			float[] vector = new float[this.dimensions];
			for (int i = 0; i < vector.length; i++) {
				vector[i] = this.codes[i] * this.scale;
			}
			return vector;
		}

		@Override
		double similarity(float[] query) {
			return dot(query, this.codes, this.dimensions) * this.scale;
		}

		// Four sums, not one: each addition waits for the one before only in its own chain.
		private static float dot(float[] query, byte[] codes, int dimensions) {
			float s0 = 0;
			float s1 = 0;
			float s2 = 0;
			float s3 = 0;
			int i = 0;
			for (int upper = dimensions & ~3; i < upper; i += 4) {
				s0 += query[i] * codes[i];
				s1 += query[i + 1] * codes[i + 1];
				s2 += query[i + 2] * codes[i + 2];
				s3 += query[i + 3] * codes[i + 3];
			}
			for (; i < dimensions; i++) {
				s0 += query[i] * codes[i];
			}
			return (s0 + s1) + (s2 + s3);
		}

		@Override
		float similarity(Stored other) {
			QuantizedEntry that = (QuantizedEntry) other;
			return dot(this.codes, that.codes, this.dimensions) * this.scale * that.scale;
		}

		private static int dot(byte[] a, byte[] b, int dimensions) {
			int s0 = 0;
			int s1 = 0;
			int i = 0;
			for (int upper = dimensions & ~1; i < upper; i += 2) {
				s0 += a[i] * b[i];
				s1 += a[i + 1] * b[i + 1];
			}
			if (i < dimensions) {
				s0 += a[i] * b[i];
			}
			return s0 + s1;
		}

	}

	private static final class Bucket {

		final Map<Key, Stored> entries = new ConcurrentHashMap<>();

		private final int approximateAbove;

		// Guards the graph: lookups read it concurrently, a change to it excludes them.
		private final ReadWriteLock lock = new ReentrantReadWriteLock();

		private volatile @Nullable Graph graph;

		// Entries held but not in the graph (added in bulk): scanned beside it until the next graph.
		private final Map<Key, Stored> pending = new ConcurrentHashMap<>();

		private final Executor graphBuilder;

		private final AtomicBoolean building = new AtomicBoolean();

		// The origin of the entry added last: the next is almost always of the same.
		private volatile @Nullable Origin origin;

		private final Runnable whileMerging;

		Bucket(int approximateAbove, Executor graphBuilder, Runnable whileMerging) {
			this.approximateAbove = approximateAbove;
			this.graphBuilder = graphBuilder;
			this.whileMerging = whileMerging;
		}

		Origin origin(IndexedRequest entry) {
			Origin last = this.origin;
			if (last != null && last.namespace().equals(entry.namespace())
					&& java.util.Objects.equals(last.partition(), entry.partition())) {
				return last;
			}
			Origin fresh = new Origin(entry.bucket(), entry.namespace(), entry.partition());
			this.origin = fresh;
			return fresh;
		}

		/**
		 * @param bulk whether to leave the entry out of the graph until the next one is built
		 * @return whether the entry is new, not a replacement
		 */
		synchronized boolean add(Stored entry, boolean bulk) {
			Graph current = this.graph;
			Stored replaced;
			if (current != null && bulk) {
				if (entry.dimensions() != current.dimensions) {
					throw Graph.differentDimensions(current.dimensions, entry.dimensions());
				}
				replaced = this.entries.put(entry.key, entry);
				retire(replaced, current);
				this.pending.put(entry.key, entry);
				rebuild();
			}
			else if (current != null) {
				replaced = this.entries.put(entry.key, entry);
				retire(replaced, current);
				write(() -> current.add(entry));
				if (current.isWorn()) {
					// Entries replaced again and again leave tombstones too.
					rebuild();
				}
				else if (current.wantsMerge()) {
					merge();
				}
			}
			else {
				Stored any = this.entries.values().stream().findAny().orElse(null);
				if (any != null && any.dimensions() != entry.dimensions()) {
					throw Graph.differentDimensions(any.dimensions(), entry.dimensions());
				}
				replaced = this.entries.put(entry.key, entry);
				retire(replaced, null);
				// Added in bulk: the graph is built once all are in (olderAdded), not while they come.
				if (this.entries.size() > this.approximateAbove && !bulk) {
					rebuild();
				}
			}
			return replaced == null;
		}

		/**
		 * Mark an entry no longer held (replaced or removed), so that no graph returns it: the
		 * current one, or one being built that took it in already.
		 */
		private void retire(@Nullable Stored old, @Nullable Graph current) {
			if (old == null) {
				return;
			}
			boolean wasPending = this.pending.remove(old.key, old);
			write(() -> {
				old.removed = true;
				if (current != null && !wasPending) {
					current.tombstones++;
				}
			});
		}

		/**
		 * Remove an entry, if it is (still) the one given.
		 * @param expected the entry to remove, or null for whichever is held under the key
		 * @return whether one was removed
		 */
		synchronized boolean remove(Key key, @Nullable Stored expected) {
			Stored removed;
			if (expected != null) {
				removed = this.entries.remove(key, expected) ? expected : null;
			}
			else {
				removed = this.entries.remove(key);
			}
			if (removed == null) {
				return false;
			}
			Graph current = this.graph;
			retire(removed, current);
			if (current != null) {
				if (this.entries.size() <= this.approximateAbove / 2) {
					// Well under the threshold (half, so that a bucket near it does not flip): a scan again.
					write(() -> {
						this.graph = null;
						// Scanned with the rest now: nothing is left beside a graph.
						this.pending.clear();
					});
				}
				else if (current.isWorn()) {
					rebuild();
				}
			}
			return true;
		}

		/** Bulk additions are over: a graph of them all, if the bucket is large enough for one. */
		synchronized void bulkAdded() {
			if ((this.graph == null) ? this.entries.size() > this.approximateAbove : !this.pending.isEmpty()) {
				rebuild();
			}
		}

		/** Remove the least valuable entries; returns how many were removed. */
		synchronized int evict(int count) {
			List<Stored> ranked = new ArrayList<>(this.entries.values());
			ranked.sort(LEAST_VALUABLE_FIRST);
			int removed = 0;
			for (int i = 0; i < count && i < ranked.size(); i++) {
				if (remove(ranked.get(i).key, ranked.get(i))) {
					removed++;
				}
			}
			return removed;
		}

		/** Have a new graph of the entries built, unless one is being built or merged. */
		private void rebuild() {
			schedule(this::build);
		}

		/** Have the graph's tail merged into its frozen part, unless a graph is being built or merged. */
		private void merge() {
			schedule(this::mergeParts);
		}

		/**
		 * One task at a time per bucket (a build or a merge), on the index's builder; when it ends,
		 * whatever was asked for meanwhile and is still due (a merge, a new graph) is asked for again,
		 * since a request made while a task ran was dropped.
		 */
		private void schedule(Runnable task) {
			if (!this.building.compareAndSet(false, true)) {
				return;
			}
			try {
				this.graphBuilder.execute(() -> {
					try {
						task.run();
					}
					catch (java.util.concurrent.CancellationException ex) {
						// The index was closed: the bucket goes on with the graph it has.
						return;
					}
					finally {
						this.building.set(false);
					}
					dueAgain();
				});
			}
			catch (RuntimeException ex) {
				// Rejected (the index is closed): the bucket goes on as it is, and the next write asks again.
				this.building.set(false);
			}
		}

		private synchronized void dueAgain() {
			Graph current = this.graph;
			if (current == null) {
				return;
			}
			if (current.isWorn() || !this.pending.isEmpty()) {
				rebuild();
			}
			else if (current.wantsMerge()) {
				merge();
			}
		}

		/**
		 * The graph's tail sealed (a fresh one takes the next entries), merged with the frozen
		 * part outside the lock (both no longer change), and swapped in under it: neither lookups nor
		 * writes wait for the merge, only for the swap.
		 */
		private void mergeParts() {
			Graph current;
			Graph.Frozen base;
			Graph.Tail sealed;
			synchronized (this) {
				current = this.graph;
				if (current == null || !current.wantsMerge()) {
					return;
				}
				Graph.Tail[] toMerge = new Graph.Tail[1];
				write(() -> toMerge[0] = current.seal());
				base = current.frozen;
				sealed = toMerge[0];
			}
			this.whileMerging.run();
			Graph.Frozen merged = Graph.merge(base, sealed);
			synchronized (this) {
				// Unless the graph was dropped meanwhile (the bucket shrank): its parts go with it.
				if (this.graph == current) {
					write(() -> current.merged(merged));
				}
			}
		}

		/**
		 * A new graph of the entries, built while lookups and writes go on as before; the writes
		 * made meanwhile are applied to it, under the bucket's lock, before it takes over. The entries
		 * of the build are frozen into compact links; those written at the very end go to the new
		 * graph's tail.
		 */
		private void build() {
			List<Stored> snapshot = List.copyOf(this.entries.values());
			if (snapshot.isEmpty()) {
				return;
			}
			Graph.Mutable built = new Graph.Mutable();
			// What the new graph holds, while it is built only: a graph itself keeps no map of its entries.
			Set<Stored> linked = Collections.newSetFromMap(new IdentityHashMap<>());
			int dimensions = snapshot.get(0).dimensions();
			for (Stored existing : snapshot) {
				linkInto(built, existing, dimensions);
				linked.add(existing);
			}
			// Entries written during the build (a replay writes many): linked in here, not under the lock.
			List<Stored> missing;
			do {
				missing = new ArrayList<>();
				for (Stored current : this.entries.values()) {
					if (!linked.contains(current)) {
						missing.add(current);
					}
				}
				for (Stored current : missing) {
					linkInto(built, current, dimensions);
					linked.add(current);
				}
			}
			while (missing.size() > 100);
			Graph fresh = new Graph(dimensions, Graph.freeze(built));
			// The growable links of the build are garbage from here: only the frozen copy is kept.
			built = null;
			synchronized (this) {
				for (Stored current : this.entries.values()) {
					if (!linked.contains(current)) {
						fresh.add(current);
					}
				}
				// Retired meanwhile: in the new graph, tombstones (flags are set under this lock).
				fresh.countTombstones();
				// A bucket that shrank to half the threshold meanwhile is scanned again (see remove).
				if (this.entries.size() > this.approximateAbove / 2) {
					write(() -> {
						this.graph = fresh;
						this.pending.clear();
					});
				}
			}
		}

		private static void linkInto(Graph.Mutable built, Stored entry, int dimensions) {
			if (entry.dimensions() != dimensions) {
				throw Graph.differentDimensions(dimensions, entry.dimensions());
			}
			if (Thread.currentThread().isInterrupted()) {
				throw new java.util.concurrent.CancellationException("the index was closed");
			}
			built.add(entry);
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
			TopK found = null;
			if (this.graph != null) {
				this.lock.readLock().lock();
				try {
					Graph current = this.graph;
					if (current != null) {
						found = new TopK(count, this.entries.size());
						current.search(vector, minSimilarity, found);
						for (Stored entry : this.pending.values()) {
							found.offer(entry, entry.similarity(vector), minSimilarity);
						}
					}
				}
				finally {
					this.lock.readLock().unlock();
				}
			}
			if (found == null) {
				found = new TopK(count, this.entries.size());
				for (Stored entry : this.entries.values()) {
					if (entry.dimensions() != vector.length) {
						throw Graph.differentDimensions(entry.dimensions(), vector.length);
					}
					found.offer(entry, entry.similarity(vector), minSimilarity);
				}
			}
			return found.neighbors();
		}

	}

	/**
	 * The most similar entries offered, most similar first: a scan keeps only {@code count} of them
	 * (5 for the tier) instead of a list of every entry above the threshold.
	 */
	private static final class TopK {

		private final Stored[] entries;

		private final double[] similarities;

		private int size;

		TopK(int count, int atMost) {
			int capacity = Math.max(0, Math.min(count, atMost));
			this.entries = new Stored[capacity];
			this.similarities = new double[capacity];
		}

		int capacity() {
			return this.entries.length;
		}

		void offer(Stored entry, double similarity, double minSimilarity) {
			int capacity = this.entries.length;
			if (similarity < minSimilarity || capacity == 0
					|| (this.size == capacity && similarity <= this.similarities[capacity - 1])) {
				return;
			}
			int at = (this.size < capacity) ? this.size++ : capacity - 1;
			while (at > 0 && this.similarities[at - 1] < similarity) {
				this.entries[at] = this.entries[at - 1];
				this.similarities[at] = this.similarities[at - 1];
				at--;
			}
			this.entries[at] = entry;
			this.similarities[at] = similarity;
		}

		List<Neighbor> neighbors() {
			List<Neighbor> nearest = new ArrayList<>(this.size);
			for (int i = 0; i < this.size; i++) {
				nearest.add(new Neighbor(this.entries[i].request(), this.similarities[i]));
			}
			return nearest;
		}

	}

	/**
	 * One bucket's HNSW graph, in up to three parts searched side by side: a frozen part, which
	 * holds most entries in compact links ({@link FrozenHnswGraph}: exact-size neighbour ids, no
	 * scores), and a small tail that takes the entries added since, unlinked and scanned by every
	 * lookup; past a 128th of the frozen part's size the tail is sealed (a fresh one
	 * takes the next entries) and merged into a new frozen part in the background, which then
	 * replaces the old one and the sealed part at once. Lucene's on-heap links (an id list and a
	 * score list per node and level, sized for growth) cost about 370 bytes per entry at M = 16;
	 * frozen ones about a third of that. An entry is in exactly one part; a lookup searches each part
	 * and keeps the best.
	 *
	 * <p>Scorers read the entries themselves; a lookup maps node numbers to entries through each
	 * part's slots. Removed entries stay in the parts as tombstones (still walked, never returned: an
	 * entry knows it was removed) until they outnumber the live ones; the bucket then builds a new
	 * graph. The graph keeps no map from hashes to its nodes.
	 *
	 * <p>Not thread-safe by itself: the bucket guards it with a read-write lock (a lookup searches
	 * the parts under the read lock, an entry is added and parts are swapped under the write lock).
	 * A frozen part and a sealed one are never written and are read by a merge without a lock.
	 */
	private static final class Graph {

		private final int dimensions;

		private @Nullable Frozen frozen;

		// Being merged into the next frozen part; searched until then.
		private @Nullable Tail sealed;

		private Tail mutable = new Tail();

		// Nodes whose entry was removed or replaced since it was linked, in all parts.
		int tombstones;

		Graph(int dimensions, @Nullable Frozen frozen) {
			this.dimensions = dimensions;
			this.frozen = frozen;
		}

		static IllegalArgumentException differentDimensions(int held, int given) {
			return new IllegalArgumentException("embeddings of different dimensions (" + held + " and " + given
					+ "): was the model changed?");
		}

		int nodes() {
			return ((this.frozen != null) ? this.frozen.slots.size() : 0)
					+ ((this.sealed != null) ? this.sealed.slots.size() : 0) + this.mutable.slots.size();
		}

		/** Tombstones that outnumber the live entries (and are many): time for a new graph. */
		boolean isWorn() {
			return this.tombstones > nodes() - this.tombstones && this.tombstones >= 1000;
		}

		/**
		 * Whether the tail has grown past a share of the frozen part (and no merge runs): merged
		 * geometrically, the frozen parts grow by a 128th per merge, so that all the copies of frozen
		 * links made come to at most about 129 per entry (the sum of the sizes of the frozen parts, up
		 * to about 129 times the last), and the tail, which every lookup scans, stays a small share of
		 * the graph.
		 */
		boolean wantsMerge() {
			int frozenSize = (this.frozen != null) ? this.frozen.slots.size() : 0;
			return this.sealed == null && this.mutable.slots.size() > Math.max(MIN_MERGED, frozenSize / MERGE_SHARE);
		}

		void add(Stored entry) {
			if (entry.dimensions() != this.dimensions) {
				throw differentDimensions(this.dimensions, entry.dimensions());
			}
			this.mutable.add(entry);
		}

		/** The tail stops taking entries and is to be merged; returns it. Under the write lock. */
		Tail seal() {
			Tail toMerge = this.mutable;
			this.sealed = toMerge;
			this.mutable = new Tail();
			return toMerge;
		}

		/** A merge of the frozen part and the sealed one takes their place. Under the write lock. */
		void merged(Frozen merged) {
			this.frozen = merged;
			this.sealed = null;
			countTombstones();
		}

		void countTombstones() {
			int count = count(this.mutable.slots);
			if (this.frozen != null) {
				count += count(this.frozen.slots);
			}
			if (this.sealed != null) {
				count += count(this.sealed.slots);
			}
			this.tombstones = count;
		}

		private static int count(List<Stored> slots) {
			int count = 0;
			for (Stored slot : slots) {
				if (slot.removed) {
					count++;
				}
			}
			return count;
		}

		/** Offers the live entries nearest to a unit vector, at least minSimilarity. */
		void search(float[] vector, double minSimilarity, TopK found) {
			if (vector.length != this.dimensions) {
				throw differentDimensions(this.dimensions, vector.length);
			}
			// The tails as a scanned bucket is scanned: each entry against the query as given, kept
			// only above the threshold (no walk's candidate list to fill and score again).
			for (Tail tail : new Tail[] { this.sealed, this.mutable }) {
				if (tail != null) {
					for (Stored entry : tail.slots) {
						if (!entry.removed) {
							found.offer(entry, entry.similarity(vector), minSimilarity);
						}
					}
				}
			}
			Frozen part = this.frozen;
			if (part == null || part.slots.isEmpty()) {
				return;
			}
			try {
				Stored query = query(vector, part.slots.get(0));
				Bits accept = (this.tombstones == 0) ? null : part.live;
				TopDocs top = part.search(new ToQuery(query, part.slots), Math.max(found.capacity(), SEARCH_BEAM), accept);
				offer(top, part.slots, vector, minSimilarity, found);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		// The query in the entries' form (quantized too, where they are): the graph is walked with the
		// fast similarity, and what it finds is scored again against the query as given.
		private static Stored query(float[] vector, Stored like) {
			IndexedRequest probe = new IndexedRequest("", "", null, "", "", vector, Long.MAX_VALUE);
			Origin none = new Origin("", "", null);
			return (like instanceof QuantizedEntry) ? new QuantizedEntry(none, probe) : new FloatEntry(none, probe);
		}

		private static void offer(TopDocs top, List<Stored> slots, float[] vector, double minSimilarity, TopK found) {
			// The walk's similarity may be off by quantization: only clearly dissimilar nodes are cut.
			float minScore = score(minSimilarity - 0.01) - 1e-6f;
			for (ScoreDoc doc : top.scoreDocs) {
				if (doc.score < minScore) {
					break;
				}
				Stored entry = slots.get(doc.doc);
				if (!entry.removed) {
					found.offer(entry, entry.similarity(vector), minSimilarity);
				}
			}
		}

		// Lucene's graphs want scores that are never negative: a dot product d is scored (1 + d) / 2, as Lucene does.
		static float score(double similarity) {
			return (float) Math.max(0, (1 + similarity) / 2);
		}

		/**
		 * A frozen part: the links of a mutable part that took the entries of a build, as they are
		 * when the build ends.
		 */
		static Frozen freeze(Mutable built) {
			try {
				return new Frozen(FrozenHnswGraph.copyOf(built.builder.getGraph()),
						List.of(built.slots.toArray(new Stored[0])));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * A frozen part of the entries of both, built outside any lock from parts that no longer
		 * change: Lucene's builder starts from the frozen links (copied into its on-heap graph, their
		 * scores computed only where a new node's insertion needs them) and links the sealed part's
		 * entries in. Gives up, with a {@link java.util.concurrent.CancellationException}, when its
		 * thread is interrupted (the index is closed).
		 */
		static Frozen merge(@Nullable Frozen base, Tail sealed) {
			int old = (base != null) ? base.slots.size() : 0;
			int total = old + sealed.slots.size();
			Stored[] all = new Stored[total];
			for (int i = 0; i < old; i++) {
				all[i] = base.slots.get(i);
			}
			for (int i = old; i < total; i++) {
				all[i] = sealed.slots.get(i - old);
			}
			List<Stored> slots = List.of(all);
			try {
				HnswGraphBuilder builder;
				if (base == null) {
					builder = HnswGraphBuilder.create(new BetweenNodes(slots), MAX_CONN, BEAM_WIDTH, SEED);
				}
				else {
					int[] sameOrds = new int[old];
					for (int i = 0; i < old; i++) {
						sameOrds[i] = i;
					}
					FixedBitSet linked = new FixedBitSet(Math.max(1, total));
					linked.set(0, old);
					// Seeded by the size, so that each merge draws the levels of its new nodes afresh.
					builder = InitializedHnswGraphBuilder.fromGraph(new BetweenNodes(slots), MAX_CONN, BEAM_WIDTH,
							SEED + old, base.links.cursor(), sameOrds, linked, total);
				}
				for (int ord = old; ord < total; ord++) {
					if (Thread.currentThread().isInterrupted()) {
						throw new java.util.concurrent.CancellationException("the index was closed");
					}
					builder.addGraphNode(ord);
				}
				return new Frozen(FrozenHnswGraph.copyOf(builder.getGraph()), slots);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** A part of the graph: its nodes' entries (by node number). */
		private abstract static class Part {

			// Every node's entry, removed ones included: the graph still walks through them.
			final List<Stored> slots;

			final Bits live;

			Part(List<Stored> slots) {
				this.slots = slots;
				this.live = new Bits() {

					@Override
					public boolean get(int index) {
						return !slots.get(index).removed;
					}

					@Override
					public int length() {
						return slots.size();
					}

				};
			}

		}

		/** Links frozen: searched through a cursor of its own per lookup. */
		private static final class Frozen extends Part {

			final FrozenHnswGraph links;

			Frozen(FrozenHnswGraph links, List<Stored> slots) {
				super(slots);
				this.links = links;
			}

			TopDocs search(RandomVectorScorer query, int beam, @Nullable Bits accept) throws IOException {
				TopKnnCollector collector = new TopKnnCollector(beam, Integer.MAX_VALUE);
				HnswGraphSearcher.search(query, collector, this.links.cursor(), accept);
				return collector.topDocs();
			}

		}

		/** Lucene's builder and on-heap graph: takes entries one by one. */
		static final class Mutable extends Part {

			final HnswGraphBuilder builder;

			Mutable() {
				super(new ArrayList<>());
				try {
					this.builder = HnswGraphBuilder.create(new BetweenNodes(this.slots), MAX_CONN, BEAM_WIDTH, SEED);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

			void add(Stored entry) {
				int ord = this.slots.size();
				this.slots.add(entry);
				try {
					this.builder.addGraphNode(ord);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		}

		/**
		 * The entries added since the frozen part was made, in the order they came, linked to nothing:
		 * adding one is appending it (under the bucket's write lock, so it must be cheap: linking a
		 * node into an HNSW graph of 100k takes milliseconds), and a lookup scans them all as a
		 * scanned bucket is scanned, which costs less than walking a graph of them (MemoryReport at
		 * 100k entries, over the code before frozen links: a graph of the 801 newest made a lookup 46%
		 * dearer in CPU). A merge links them.
		 */
		static final class Tail extends Part {

			Tail() {
				super(new ArrayList<>());
			}

			void add(Stored entry) {
				this.slots.add(entry);
			}

		}

		/** Scores nodes against a query held in the entries' form. */
		private record ToQuery(Stored query, List<Stored> slots) implements RandomVectorScorer {

			@Override
			public float score(int node) {
				return Graph.score(this.query.similarity(this.slots.get(node)));
			}

			@Override
			public int maxOrd() {
				return this.slots.size();
			}

		}

		/** Scores nodes against a node: what the builder links a new node by. */
		private record BetweenNodes(List<Stored> slots) implements RandomVectorScorerSupplier {

			@Override
			public RandomVectorScorer scorer(int ord) {
				return new ToQuery(this.slots.get(ord), this.slots);
			}

			@Override
			public RandomVectorScorerSupplier copy() {
				return this;
			}

		}

	}

}
