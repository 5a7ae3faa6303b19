package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.llmcache.semantic.InMemorySemanticIndex.Vectors;
import dev.llmcache.semantic.SemanticIndex.Neighbor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.data.Offset.offset;

/**
 * The bounds of the in-process index (in all and per bucket, least valuable evicted first) and its
 * quantized vectors.
 */
class InMemorySemanticIndexBoundsTests {

	private static final int DIMENSIONS = 384;

	private final Random random = new Random(42);

	@ParameterizedTest
	@EnumSource(Vectors.class)
	void pastTheTotalBoundTheOldestEntriesNeverHitGoFirstAndHitOnesStay(Vectors vectors) {
		for (int approximateAbove : new int[] { Integer.MAX_VALUE, 20 }) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(approximateAbove, 100, 1000, vectors, Runnable::run);
			for (int i = 0; i < 100; i++) {
				index.add(entry((i % 2 == 0) ? "a" : "b", "h" + i, unit()));
			}
			for (int i = 0; i < 10; i++) {
				index.recordHit((i % 2 == 0) ? "a" : "b", "h" + i);
			}
			for (int i = 100; i < 110; i++) {
				index.add(entry("a", "h" + i, unit()));
			}
			assertThat(index.size()).isBetween(99, 100);
			assertThat(index.evictions()).isEqualTo(110 - index.size());
			List<String> held = held(index, "a", "b");
			assertThat(held).as("hit entries").contains("h0", "h1", "h5", "h9");
			assertThat(held).as("the newest").contains("h100", "h109");
			int evicted = (int) index.evictions();
			for (int i = 10; i < 10 + evicted; i++) {
				assertThat(held).as("the oldest never hit").doesNotContain("h" + i);
			}
			assertThat(held).contains("h" + (10 + evicted));
		}
	}

	@Test
	void amongHitEntriesTheLeastRecentlyHitGoesFirst() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(Integer.MAX_VALUE, 10, 10, Vectors.INT8, Runnable::run);
		for (int i = 0; i < 10; i++) {
			index.add(entry("a", "h" + i, unit()));
		}
		for (int i = 9; i >= 0; i--) {
			index.recordHit("a", "h" + i);
		}
		index.add(entry("a", "new", unit()));
		// Over by one, plus the slack of one: the two hit longest ago (h9, then h8).
		assertThat(index.evictions()).isEqualTo(2);
		assertThat(held(index, "a")).doesNotContain("h9", "h8").contains("h7", "h0", "new");
	}

	@Test
	void eachBucketIsBoundedAndLeavesOtherBucketsAlone() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(30, 1000, 50, Vectors.INT8, Runnable::run);
		for (int i = 0; i < 200; i++) {
			index.add(entry("a", "a" + i, unit()));
		}
		for (int i = 0; i < 40; i++) {
			index.add(entry("b", "b" + i, unit()));
		}
		assertThat(held(index, "a")).hasSizeBetween(49, 50).contains("a199").doesNotContain("a0", "a100");
		assertThat(held(index, "b")).hasSize(40);
		assertThat(index.size()).isEqualTo(held(index, "a", "b").size());
		assertThat(index.evictions()).isEqualTo(240 - index.size());
	}

	@Test
	void replacingAnEntryIsNotAnEviction() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(Integer.MAX_VALUE, 10, 10, Vectors.INT8, Runnable::run);
		for (int round = 0; round < 5; round++) {
			for (int i = 0; i < 10; i++) {
				index.add(entry("a", "h" + i, unit()));
			}
		}
		assertThat(index.size()).isEqualTo(10);
		assertThat(index.evictions()).isZero();
	}

	@Test
	void boundsMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InMemorySemanticIndex(10, 0, 10, Vectors.INT8, Runnable::run))
			.withMessage("maxEntries and maxEntriesPerBucket must be at least 1, got 0 and 10");
	}

	@ParameterizedTest
	@EnumSource(Vectors.class)
	void quantizedSimilaritiesStayWithinAThousandthOfTheExactOnes(Vectors vectors) {
		InMemorySemanticIndex index = new InMemorySemanticIndex(Integer.MAX_VALUE, 1000, 1000, vectors, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			stored.add(unit());
			index.add(entry("a", "h" + i, stored.get(i)));
		}
		double worst = 0;
		for (int q = 0; q < 50; q++) {
			float[] query = perturb(stored.get(q), 0.4);
			for (Neighbor neighbor : index.nearest("a", "", query, 5, -1)) {
				float[] exact = stored.get(Integer.parseInt(neighbor.entry().hash().substring(1)));
				double error = Math.abs(neighbor.similarity() - EmbeddingCache.dot(query, exact));
				worst = Math.max(worst, error);
				// What the index hands back (its vector dequantized) is near the vector stored, too.
				assertThat(EmbeddingCache.dot(neighbor.entry().vector(), exact)).isCloseTo(1.0, offset(0.002));
			}
		}
		assertThat(worst).isLessThan((vectors == Vectors.FLOAT32) ? 1e-9 : 0.002);
	}

	@Test
	void approximateSearchOfQuantizedVectorsFindsWhatAnExactScanFinds() {
		InMemorySemanticIndex exact = new InMemorySemanticIndex(Integer.MAX_VALUE, 5000, 5000, Vectors.FLOAT32,
				Runnable::run);
		InMemorySemanticIndex quantized = new InMemorySemanticIndex(100, 5000, 5000, Vectors.INT8, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			stored.add(unit());
			exact.add(entry("b", "h" + i, stored.get(i)));
			quantized.add(entry("b", "h" + i, stored.get(i)));
		}
		assertThat(quantized.isApproximate("b")).isTrue();
		int agreed = 0;
		for (int q = 0; q < 200; q++) {
			float[] query = perturb(stored.get(this.random.nextInt(stored.size())), 0.5);
			if (exact.nearest("b", "", query, 1, -1).get(0).entry().hash()
				.equals(quantized.nearest("b", "", query, 1, -1).get(0).entry().hash())) {
				agreed++;
			}
		}
		assertThat(agreed).isGreaterThanOrEqualTo(197);
	}

	@Test
	void entriesReplayedInBulkAreScannedUntilTheNextGraphTakesThemIn() {
		List<Runnable> builds = new ArrayList<>();
		InMemorySemanticIndex index = new InMemorySemanticIndex(100, 5000, 5000, Vectors.INT8, builds::add);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			stored.add(unit());
			index.add(entry("b", "h" + i, stored.get(i)));
		}
		runAll(builds);
		assertThat(index.isApproximate("b")).isTrue();
		for (int i = 300; i < 600; i++) {
			stored.add(unit());
			index.addOlder(entry("b", "h" + i, stored.get(i)));
		}
		// h5 replayed in an older version too: the graph's copy must not be returned.
		float[] replaced = unit();
		index.addOlder(entry("b", "h5", replaced));
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < 600; i += 37) {
				float[] expected = (i == 5) ? replaced : stored.get(i);
				List<Neighbor> found = index.nearest("b", "", expected, 2, -1);
				assertThat(found.get(0).entry().hash()).isEqualTo("h" + i);
				assertThat(found.get(1).entry().hash()).isNotEqualTo("h" + i);
			}
			assertThat(index.nearest("b", "", stored.get(5), 600, 0.99)).isEmpty();
			// Then the graph built in the background takes them in, and is searched alone.
			assertThat(builds).hasSize(1 - round);
			runAll(builds);
		}
		assertThat(index.size()).isEqualTo(600);
	}

	private static void runAll(List<Runnable> tasks) {
		while (!tasks.isEmpty()) {
			tasks.remove(0).run();
		}
	}

	private static List<String> held(InMemorySemanticIndex index, String... buckets) {
		List<String> hashes = new ArrayList<>();
		for (String bucket : buckets) {
			for (String prefix : new String[] { "h", "a", "b" }) {
				for (int i = 0; i < 300; i++) {
					if (index.contains(bucket, prefix + i)) {
						hashes.add(prefix + i);
					}
				}
			}
			if (index.contains(bucket, "new")) {
				hashes.add("new");
			}
		}
		return hashes;
	}

	private static IndexedRequest entry(String bucket, String hash, float[] vector) {
		return new IndexedRequest(bucket, "ns", null, hash, "text " + hash, vector, Long.MAX_VALUE);
	}

	private float[] unit() {
		float[] v = new float[DIMENSIONS];
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) this.random.nextGaussian();
		}
		return EmbeddingCache.normalize(v);
	}

	private float[] perturb(float[] vector, double amount) {
		float[] v = vector.clone();
		for (int i = 0; i < v.length; i++) {
			v[i] += (float) (this.random.nextGaussian() * amount / Math.sqrt(DIMENSIONS));
		}
		return EmbeddingCache.normalize(v);
	}

}
