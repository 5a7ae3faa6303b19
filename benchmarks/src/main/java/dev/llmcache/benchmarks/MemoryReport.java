package dev.llmcache.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.llmcache.benchmarks.SemanticLookupBenchmark.Vectors;
import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.SemanticIndex;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measured, not timed: heap per entry of the in-process semantic index, float and quantized, and
 * its recall@1 against an exact float search, in one bucket of clustered 384-dimensional vectors
 * (those of {@link SemanticLookupBenchmark}). Heap is what JOL finds reachable from the index, over
 * the entries it holds (vectors, texts, keys, graph, maps). Also the looking-up thread's CPU time
 * per lookup, over the recall queries. Writes Markdown to standard output.
 *
 * <pre>java -Xmx3g -Djdk.attach.allowAttachSelf=true --add-opens java.base/java.util=ALL-UNNAMED \\
 *   --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util.concurrent=ALL-UNNAMED \\
 *   -cp benchmarks/target/benchmarks.jar dev.llmcache.benchmarks.MemoryReport [sizes...]</pre>
 * ({@code -Dvectors=int8|float32} and {@code -Dsearch=scan|hnsw} measure one kind only)
 * (the flags let JOL read JDK internals directly; without them it is much slower, not different)
 */
public final class MemoryReport {

	private static final int QUERIES_PER_KIND = 250;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	// CPU time of the measured lookups of the current measure.
	private static long lookupNanos;

	public static void main(String[] args) {
		// Lambdas (hidden classes) in the index's executor: JOL cannot ask Unsafe for their field offsets.
		System.setProperty("jol.magicFieldOffset", "true");
		List<Integer> sizes = new ArrayList<>();
		for (String arg : args) {
			sizes.add(Integer.parseInt(arg.replace("_", "")));
		}
		if (sizes.isEmpty()) {
			sizes = List.of(10_000, 100_000);
		}
		System.out.println("| entries | vectors | search | heap per entry | of which vector | recall@1 (paraphrases / fresh) | built in | CPU per lookup |");
		System.out.println("| ---: | --- | --- | ---: | ---: | --- | ---: | ---: |");
		// -Dvectors=int8 and -Dsearch=hnsw (or scan) measure one kind only: a graph of 100k takes many minutes.
		String onlyVectors = System.getProperty("vectors", "");
		String onlySearch = System.getProperty("search", "");
		for (int size : sizes) {
			for (InMemorySemanticIndex.Vectors form : InMemorySemanticIndex.Vectors.values()) {
				for (boolean graph : new boolean[] { false, true }) {
					boolean wanted = (onlyVectors.isEmpty() || onlyVectors.equalsIgnoreCase(form.name()))
							&& (onlySearch.isEmpty() || onlySearch.equals(graph ? "hnsw" : "scan"));
					if (wanted) {
						measure(size, form, graph);
					}
				}
			}
		}
	}

	private static void measure(int size, InMemorySemanticIndex.Vectors form, boolean graph) {
		Vectors vectors = new Vectors("clustered", size, 42);
		float[][] stored = new float[size][];
		InMemorySemanticIndex index = new InMemorySemanticIndex(graph ? InMemorySemanticIndex.DEFAULT_APPROXIMATE_ABOVE
				: Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, form, Runnable::run);
		long started = System.nanoTime();
		for (int i = 0; i < size; i++) {
			stored[i] = vectors.next();
			// Hashes and texts as the tier stores them: 64 hex characters, a question of about 60.
			index.add(new IndexedRequest("bucket", "ns", null, String.format("%064x", i),
					"how do I reset the password of account number " + i + " in the portal?", stored[i], Long.MAX_VALUE));
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		long heap = GraphLayout.parseInstance(index).totalSize();
		long vectorBytes = (form == InMemorySemanticIndex.Vectors.INT8) ? 16 + align(16 + 384) : align(16 + 4 * 384);
		String recall = "n/a";
		String cpu = "n/a";
		if (graph || size <= 10_000) {
			// The looking-up thread's CPU time (a shared machine disturbs it far less than wall time),
			// after as many lookups again of warm-up.
			SplittableRandom warmUp = new SplittableRandom(11);
			for (int q = 0; q < 2 * QUERIES_PER_KIND; q++) {
				index.nearest("bucket", "", Vectors.perturb(stored[warmUp.nextInt(size)], 0.33, warmUp), 5, 0.85);
			}
			lookupNanos = 0;
			SplittableRandom random = new SplittableRandom(7);
			int paraphrases = 0;
			int fresh = 0;
			for (int q = 0; q < QUERIES_PER_KIND; q++) {
				paraphrases += hit(index, stored, Vectors.perturb(stored[random.nextInt(size)], 0.33, random));
				fresh += hit(index, stored, vectors.next());
			}
			recall = String.format(Locale.ROOT, "%.3f (%.3f / %.3f)", (paraphrases + fresh) / (2.0 * QUERIES_PER_KIND),
					paraphrases / (double) QUERIES_PER_KIND, fresh / (double) QUERIES_PER_KIND);
			cpu = String.format(Locale.ROOT, "%.1f us", lookupNanos / 1e3 / (2 * QUERIES_PER_KIND));
		}
		System.out.printf(Locale.ROOT, "| %,d | %s | %s | %,d B | %,d B | %s | %.1f s | %s |%n", size,
				form.name().toLowerCase(Locale.ROOT), graph ? "HNSW" : "exact scan", heap / size, vectorBytes, recall,
				seconds, cpu);
	}

	private static long align(long bytes) {
		return (bytes + 7) / 8 * 8;
	}

	/**
	 * 1 when the index's top-1 is as similar to the query, in float arithmetic, as the exact
	 * nearest entry (a tie is no error).
	 */
	private static int hit(InMemorySemanticIndex index, float[][] stored, float[] query) {
		double best = Double.NEGATIVE_INFINITY;
		for (float[] vector : stored) {
			best = Math.max(best, SemanticLookupBenchmark.dot(query, vector));
		}
		long cpuBefore = THREADS.getCurrentThreadCpuTime();
		List<SemanticIndex.Neighbor> found = index.nearest("bucket", "", query, 1, -1.0);
		lookupNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
		if (found.isEmpty()) {
			return 0;
		}
		int ord = Integer.parseInt(found.get(0).entry().hash(), 16);
		return (SemanticLookupBenchmark.dot(query, stored[ord]) >= best - 1e-6) ? 1 : 0;
	}

}
