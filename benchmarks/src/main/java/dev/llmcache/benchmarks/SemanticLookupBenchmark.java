package dev.llmcache.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.SemanticIndex;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A semantic lookup without the embedding: {@link InMemorySemanticIndex#nearest} in one bucket of
 * 1k, 10k or 100k entries of 384 dimensions (the size of all-MiniLM-L6-v2), with the tier's
 * defaults (5 candidates, similarity of at least 0.85). Sampled, so that JSON holds p50 and p99.
 * With the default {@code approximateAbove} (2,000) the 1k bucket is scanned exactly and the
 * larger ones are searched in an HNSW graph.
 *
 * <p>The baseline ({@code exactScan}) is a brute-force scan of the same vectors, held in one array
 * each, keeping the best five: what any exact search costs at least.
 *
 * <p><b>Vectors.</b> Synthetic but clustered, because embeddings of real prompts are: a cache's
 * prompts fall into topics, and sentence embeddings vary along far fewer directions than their 384
 * dimensions. Each topic (one per 50 entries) is a random unit centre plus a random 24-direction
 * subspace; an entry is a direction shared by all entries, the centre, a Gaussian step in its
 * topic's subspace and a little isotropic noise, scaled to unit length. Same-topic similarity is
 * about 0.6 and cross-topic about 0.08: all-MiniLM-L6-v2 gives 0.078 on average (median 0.065, p90
 * 0.18) between the unrelated prompts of {@code eval/pairs.jsonl}, whose mean embedding has a norm
 * of 0.29, and 0.93 between its paraphrases. Uniformly random unit vectors would be the worst case
 * for HNSW and describe no real cache; {@code -p distribution=uniform} measures that case too.
 *
 * <p><b>Recall.</b> The setup of the index compares the index's top-1 with an exact search over
 * the same vectors for 500 queries: 250 perturbed copies of stored entries (similarity about 0.95,
 * a paraphrase: the lookups that should hit) and 250 fresh draws from the same topics (their
 * nearest entry is far below the threshold). It is printed and written to
 * {@code benchmarks/target/semantic-recall-<distribution>-<size>.json}, which
 * {@code report.py} reads. It is a count, not a timing, so it is measured once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx3g", "-Xms3g" })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SemanticLookupBenchmark {

	static final int DIMENSIONS = 384;

	static final String BUCKET = "bench";

	static final int RECALL_QUERIES_PER_KIND = 250;

	static final int TIMED_QUERIES = 1024;

	/** The tier's defaults: what {@code DefaultSemanticTier} asks the index for. */
	static final int CANDIDATES = SemanticQueryFactory.DEFAULT_CANDIDATES;

	static final double THRESHOLD = SemanticQueryFactory.DEFAULT_THRESHOLD;

	/** The vectors, stored entries and queries, shared by both benchmarks of one size. */
	@State(Scope.Benchmark)
	public static class Data {

		@Param({ "1000", "10000", "100000" })
		public int size;

		@Param({ "clustered" })
		public String distribution;

		float[][] stored;

		IndexedRequest[] entries;

		/** Perturbed copies of stored entries, then fresh vectors; timed lookups alternate them. */
		float[][] perturbed;

		float[][] fresh;

		float[][] timed;

		@Setup(Level.Trial)
		public void generate() {
			Vectors vectors = new Vectors(this.distribution, this.size, 42);
			this.stored = new float[this.size][];
			this.entries = new IndexedRequest[this.size];
			for (int i = 0; i < this.size; i++) {
				this.stored[i] = vectors.next();
				this.entries[i] = new IndexedRequest(BUCKET, "bench", null, "h" + i, "prompt " + i, this.stored[i],
						Long.MAX_VALUE);
			}
			SplittableRandom random = new SplittableRandom(7);
			this.perturbed = new float[RECALL_QUERIES_PER_KIND][];
			this.fresh = new float[RECALL_QUERIES_PER_KIND][];
			for (int i = 0; i < RECALL_QUERIES_PER_KIND; i++) {
				this.perturbed[i] = Vectors.perturb(this.stored[random.nextInt(this.size)], 0.33, random);
				this.fresh[i] = vectors.next();
			}
			this.timed = new float[TIMED_QUERIES][];
			for (int i = 0; i < TIMED_QUERIES; i++) {
				float[][] kind = (i % 2 == 0) ? this.perturbed : this.fresh;
				this.timed[i] = kind[(i / 2) % kind.length];
			}
		}

	}

	/** The index under test, built once per trial, with its recall measured. */
	@State(Scope.Benchmark)
	public static class Index {

		InMemorySemanticIndex index;

		@Setup(Level.Trial)
		public void build(Data data) {
			long started = System.nanoTime();
			// Built on this thread, so that the measured lookups find the graph complete.
			this.index = new InMemorySemanticIndex(InMemorySemanticIndex.DEFAULT_APPROXIMATE_ABOVE, Runnable::run);
			for (IndexedRequest entry : data.entries) {
				this.index.add(entry);
			}
			// The first lookup after writes refreshes the searcher: part of building, not of a lookup.
			this.index.nearest(BUCKET, "", data.timed[0], CANDIDATES, THRESHOLD);
			double buildSeconds = (System.nanoTime() - started) / 1e9;
			int perturbedHits = recallHits(this.index, data.stored, data.perturbed);
			int freshHits = recallHits(this.index, data.stored, data.fresh);
			int queries = 2 * RECALL_QUERIES_PER_KIND;
			String json = String.format(Locale.ROOT,
					"{\"size\": %d, \"distribution\": \"%s\", \"dimensions\": %d, \"queries\": %d, "
							+ "\"recallAt1\": %.4f, \"recallAt1Perturbed\": %.4f, \"recallAt1Fresh\": %.4f, "
							+ "\"buildSeconds\": %.1f}",
					data.size, data.distribution, DIMENSIONS, queries, (perturbedHits + freshHits) / (double) queries,
					perturbedHits / (double) RECALL_QUERIES_PER_KIND, freshHits / (double) RECALL_QUERIES_PER_KIND,
					buildSeconds);
			System.out.println();
			System.out.println("# Semantic recall: " + json);
			Path out = Path.of(System.getProperty("llmcache.bench.out", "benchmarks/target"));
			try {
				Files.createDirectories(out);
				Files.writeString(out.resolve("semantic-recall-" + data.distribution + "-" + data.size + ".json"),
						json + "\n", StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * How many queries get, as the index's top-1, an entry as similar as the exact nearest
		 * (equal similarity counts: a tie is not an error of the index).
		 */
		static int recallHits(SemanticIndex index, float[][] stored, float[][] queries) {
			int hits = 0;
			for (float[] query : queries) {
				double best = Double.NEGATIVE_INFINITY;
				for (float[] vector : stored) {
					best = Math.max(best, dot(query, vector));
				}
				List<SemanticIndex.Neighbor> found = index.nearest(BUCKET, "", query, 1, -1.0);
				if (!found.isEmpty() && found.get(0).similarity() >= best - 1e-6) {
					hits++;
				}
			}
			return hits;
		}

	}

	/** Which timed query a benchmark thread asks next. */
	@State(Scope.Thread)
	public static class Cursor {

		int next;

		float[] next(float[][] queries) {
			float[] query = queries[this.next];
			this.next = (this.next + 1) % queries.length;
			return query;
		}

	}

	@Benchmark
	public List<SemanticIndex.Neighbor> nearest(Data data, Index index, Cursor cursor) {
		return index.index.nearest(BUCKET, "", cursor.next(data.timed), CANDIDATES, THRESHOLD);
	}

	/** Baseline: every vector's similarity, keeping the best {@code CANDIDATES} at or above the threshold. */
	@Benchmark
	public int[] exactScan(Data data, Cursor cursor) {
		float[] query = cursor.next(data.timed);
		int[] best = new int[CANDIDATES];
		double[] scores = new double[CANDIDATES];
		int found = 0;
		float[][] stored = data.stored;
		for (int i = 0; i < stored.length; i++) {
			double similarity = dot(query, stored[i]);
			if (similarity < THRESHOLD || (found == CANDIDATES && similarity <= scores[found - 1])) {
				continue;
			}
			int at = (found < CANDIDATES) ? found++ : found - 1;
			while (at > 0 && scores[at - 1] < similarity) {
				scores[at] = scores[at - 1];
				best[at] = best[at - 1];
				at--;
			}
			scores[at] = similarity;
			best[at] = i;
		}
		return (found == CANDIDATES) ? best : java.util.Arrays.copyOf(best, found);
	}

	/** The same arithmetic as the index's exact scan. */
	static double dot(float[] a, float[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) {
			sum += a[i] * b[i];
		}
		return sum;
	}

	/** Seeded unit vectors, clustered in topics or uniform on the sphere. */
	static final class Vectors {

		static final int PER_TOPIC = 50;

		static final int SUBSPACE = 24;

		static final double SHARED = 0.385;

		private final boolean clustered;

		private final SplittableRandom random;

		private final float[][] centres;

		private final float[][][] subspaces;

		private final float[] shared;

		Vectors(String distribution, int size, long seed) {
			this.clustered = switch (distribution) {
				case "clustered" -> true;
				case "uniform" -> false;
				default -> throw new IllegalArgumentException("unknown distribution " + distribution);
			};
			this.random = new SplittableRandom(seed);
			int topics = Math.max(1, size / PER_TOPIC);
			this.centres = new float[topics][];
			this.subspaces = new float[topics][SUBSPACE][];
			this.shared = unit(gaussian(this.random));
			if (this.clustered) {
				for (int t = 0; t < topics; t++) {
					this.centres[t] = unit(gaussian(this.random));
					for (int d = 0; d < SUBSPACE; d++) {
						this.subspaces[t][d] = unit(gaussian(this.random));
					}
				}
			}
		}

		float[] next() {
			if (!this.clustered) {
				return unit(gaussian(this.random));
			}
			int topic = this.random.nextInt(this.centres.length);
			float[] v = this.centres[topic].clone();
			// What all prompts of one application share: cross-topic similarity 0.148 / (0.148 + 1.7), about 0.08.
			for (int i = 0; i < DIMENSIONS; i++) {
				v[i] += (float) (SHARED * this.shared[i]);
			}
			// Within the topic: a step of length about 0.8 in its subspace, and isotropic noise of about 0.25.
			double along = 0.8 / Math.sqrt(SUBSPACE);
			for (float[] direction : this.subspaces[topic]) {
				double a = this.random.nextGaussian() * along;
				for (int i = 0; i < DIMENSIONS; i++) {
					v[i] += (float) (a * direction[i]);
				}
			}
			double noise = 0.25 / Math.sqrt(DIMENSIONS);
			for (int i = 0; i < DIMENSIONS; i++) {
				v[i] += (float) (this.random.nextGaussian() * noise);
			}
			return unit(v);
		}

		/** A near copy: cosine similarity about {@code 1 / sqrt(1 + amount^2)}. */
		static float[] perturb(float[] vector, double amount, SplittableRandom random) {
			float[] v = vector.clone();
			double noise = amount / Math.sqrt(DIMENSIONS);
			for (int i = 0; i < v.length; i++) {
				v[i] += (float) (random.nextGaussian() * noise);
			}
			return unit(v);
		}

		static float[] gaussian(SplittableRandom random) {
			float[] v = new float[DIMENSIONS];
			for (int i = 0; i < DIMENSIONS; i++) {
				v[i] = (float) random.nextGaussian();
			}
			return v;
		}

		static float[] unit(float[] v) {
			double sum = 0;
			for (float x : v) {
				sum += (double) x * x;
			}
			double norm = Math.sqrt(sum);
			for (int i = 0; i < v.length; i++) {
				v[i] = (float) (v[i] / norm);
			}
			return v;
		}

	}

}
