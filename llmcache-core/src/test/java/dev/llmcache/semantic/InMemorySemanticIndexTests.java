package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.llmcache.semantic.SemanticIndex.Neighbor;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemorySemanticIndexTests {

	private static final int DIMENSIONS = 128;

	private final Random random = new Random(42);

	@Test
	void exactAndApproximateSearchAgreeOnTheNearestEntry() {
		InMemorySemanticIndex exact = new InMemorySemanticIndex(Integer.MAX_VALUE, Runnable::run);
		InMemorySemanticIndex approximate = new InMemorySemanticIndex(100, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 1500; i++) {
			float[] vector = clustered(i % 30);
			stored.add(vector);
			exact.add(entry("b", "h" + i, vector));
			approximate.add(entry("b", "h" + i, vector));
		}
		assertThat(exact.isApproximate("b")).isFalse();
		assertThat(approximate.isApproximate("b")).isTrue();
		int agreed = 0;
		for (int q = 0; q < 200; q++) {
			// Paraphrases of stored entries: the lookups that should hit.
			float[] query = perturb(stored.get(this.random.nextInt(stored.size())), 0.3);
			Neighbor expected = exact.nearest("b", "", query, 1, -1).get(0);
			Neighbor actual = approximate.nearest("b", "", query, 1, -1).get(0);
			assertThat(actual.entry().hash()).isEqualTo(expected.entry().hash());
			assertThat(actual.similarity()).isEqualTo(expected.similarity());
			// Fresh requests of the same topics: nearest entries are less distinct.
			float[] fresh = clustered(this.random.nextInt(30));
			if (exact.nearest("b", "", fresh, 1, -1).get(0).entry().hash()
				.equals(approximate.nearest("b", "", fresh, 1, -1).get(0).entry().hash())) {
				agreed++;
			}
		}
		assertThat(agreed).isGreaterThanOrEqualTo(196);
	}

	@Test
	void movesToApproximateSearchPastTheThresholdOnly() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(10, Runnable::run);
		for (int i = 0; i < 10; i++) {
			index.add(entry("b", "h" + i, unit()));
		}
		assertThat(index.isApproximate("b")).isFalse();
		index.add(entry("b", "h10", unit()));
		assertThat(index.isApproximate("b")).isTrue();
		assertThat(index.size()).isEqualTo(11);
	}

	@Test
	void minSimilarityAndCountBoundTheNeighboursMostSimilarFirst() {
		for (int approximateAbove : new int[] { Integer.MAX_VALUE, 50 }) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(approximateAbove, Runnable::run);
			float[] base = unit();
			for (int i = 0; i < 300; i++) {
				index.add(entry("b", "h" + i, (i < 20) ? perturb(base, 0.1 + i * 0.05) : unit()));
			}
			List<Neighbor> all = index.nearest("b", "", base, 100, 0.8);
			assertThat(all).isNotEmpty().allSatisfy(n -> assertThat(n.similarity()).isGreaterThanOrEqualTo(0.8));
			assertThat(all).extracting(Neighbor::similarity)
				.isSortedAccordingTo((a, b) -> Double.compare(b, a));
			List<Neighbor> three = index.nearest("b", "", base, 3, 0.8);
			assertThat(three).hasSize(3).isEqualTo(all.subList(0, 3));
			assertThat(index.nearest("b", "", base, 5, 0.9999)).isEmpty();
			assertThat(index.nearest("b", "", base, 5, 0.0)).hasSize(5);
		}
	}

	@Test
	void removedEntriesAreNeverReturned() {
		for (int approximateAbove : new int[] { Integer.MAX_VALUE, 50 }) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(approximateAbove, Runnable::run);
			List<float[]> stored = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				stored.add(unit());
				index.add(entry("b", "h" + i, stored.get(i)));
			}
			index.remove("b", "h7");
			index.remove("b", "unknown");
			index.remove("other", "h8");
			assertThat(index.size()).isEqualTo(199);
			assertThat(index.nearest("b", "", stored.get(7), 5, -1)).extracting(n -> n.entry().hash())
				.doesNotContain("h7");
			assertThat(index.nearest("b", "", stored.get(8), 1, -1).get(0).entry().hash()).isEqualTo("h8");
		}
	}

	@Test
	void aBucketEmptiedOfMostEntriesIsRebuiltAndThenScannedAgain() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(100, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			stored.add(unit());
			index.add(entry("b", "h" + i, stored.get(i)));
		}
		// Most removed: the graph, worn by tombstones, is rebuilt from the live entries.
		for (int i = 0; i < 2000; i++) {
			index.remove("b", "h" + i);
		}
		assertThat(index.isApproximate("b")).isTrue();
		for (int i = 2000; i < 3000; i += 50) {
			assertThat(index.nearest("b", "", stored.get(i), 1, -1).get(0).entry().hash()).isEqualTo("h" + i);
		}
		assertThat(index.nearest("b", "", stored.get(5), 10, -1)).extracting(n -> n.entry().hash())
			.allSatisfy(hash -> assertThat(Integer.parseInt(hash.substring(1))).isGreaterThanOrEqualTo(2000));
		// Down to half the threshold: an exact scan again.
		for (int i = 2000; i < 2950; i++) {
			index.remove("b", "h" + i);
		}
		assertThat(index.size()).isEqualTo(50);
		assertThat(index.isApproximate("b")).isFalse();
		assertThat(index.nearest("b", "", stored.get(2990), 1, -1).get(0).entry().hash()).isEqualTo("h2990");
	}

	@Test
	void addingAnEntryAgainReplacesIt() {
		for (int approximateAbove : new int[] { Integer.MAX_VALUE, 50 }) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(approximateAbove, Runnable::run);
			for (int i = 0; i < 100; i++) {
				index.add(entry("b", "h" + i, unit()));
			}
			float[] moved = unit();
			index.add(entry("b", "h3", moved));
			assertThat(index.size()).isEqualTo(100);
			List<Neighbor> found = index.nearest("b", "", moved, 3, -1);
			assertThat(found.get(0).entry().hash()).isEqualTo("h3");
			assertThat(found.get(0).similarity()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
			assertThat(found).extracting(n -> n.entry().hash()).containsOnlyOnce("h3");
		}
	}

	@Test
	void entriesReplacedManyTimesAreStillFoundOnce() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(50, Runnable::run);
		float[][] latest = new float[100][];
		for (int round = 0; round < 30; round++) {
			for (int i = 0; i < 100; i++) {
				latest[i] = unit();
				index.add(entry("b", "h" + i, latest[i]));
			}
		}
		assertThat(index.size()).isEqualTo(100);
		for (int i = 0; i < 100; i += 7) {
			List<Neighbor> found = index.nearest("b", "", latest[i], 100, -1);
			assertThat(found).hasSize(100);
			assertThat(found.get(0).entry().hash()).isEqualTo("h" + i);
			assertThat(found.get(0).entry().vector()).isSameAs(latest[i]);
		}
	}

	@Test
	void bucketsAreSearchedApart() {
		for (int approximateAbove : new int[] { Integer.MAX_VALUE, 20 }) {
			InMemorySemanticIndex index = new InMemorySemanticIndex(approximateAbove, Runnable::run);
			float[] shared = unit();
			for (int i = 0; i < 50; i++) {
				index.add(entry("a", "a" + i, (i == 0) ? shared : unit()));
				index.add(entry("b", "b" + i, unit()));
			}
			assertThat(index.nearest("a", "", shared, 1, -1).get(0).entry().hash()).isEqualTo("a0");
			assertThat(index.nearest("b", "", shared, 100, -1)).hasSize(50)
				.allSatisfy(n -> assertThat(n.entry().bucket()).isEqualTo("b"));
			assertThat(index.nearest("b", "", shared, 5, 0.9)).isEmpty();
			assertThat(index.nearest("c", "", shared, 5, -1)).isEmpty();
			index.remove("b", "a0");
			assertThat(index.nearest("a", "", shared, 1, -1).get(0).entry().hash()).isEqualTo("a0");
			assertThat(index.size()).isEqualTo(100);
		}
	}

	@Test
	void aVectorOfAnotherDimensionIsRejected() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(10, Runnable::run);
		for (int i = 0; i < 20; i++) {
			index.add(entry("b", "h" + i, unit()));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> index.nearest("b", "", new float[3], 1, -1))
			.withMessageContaining("dimensions");
		assertThatIllegalArgumentException().isThrownBy(() -> index.add(entry("b", "x", new float[3])))
			.withMessageContaining("dimensions");
		assertThat(index.size()).isEqualTo(20);
	}

	@Test
	void lookupsRunWhileEntriesAreAddedAndRemoved() throws Exception {
		InMemorySemanticIndex index = new InMemorySemanticIndex(100, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			stored.add(unit());
		}
		for (int i = 0; i < 200; i++) {
			index.add(entry("b", "h" + i, stored.get(i)));
		}
		ExecutorService readers = Executors.newFixedThreadPool(3);
		try {
			List<Future<Integer>> lookups = new ArrayList<>();
			for (int t = 0; t < 3; t++) {
				lookups.add(readers.submit(() -> {
					int found = 0;
					for (int i = 0; i < 500; i++) {
						found += index.nearest("b", "", stored.get(i % 200), 5, 0.5).size();
					}
					return found;
				}));
			}
			for (int i = 200; i < 2000; i++) {
				index.add(entry("b", "h" + i, stored.get(i)));
				if (i % 3 == 0) {
					index.remove("b", "h" + (i - 100));
				}
			}
			for (Future<Integer> lookup : lookups) {
				assertThat(lookup.get(60, TimeUnit.SECONDS)).isPositive();
			}
		}
		finally {
			readers.shutdownNow();
		}
		assertThat(index.nearest("b", "", stored.get(1999), 1, -1).get(0).entry().hash()).isEqualTo("h1999");
	}

	@Test
	void aGraphBuiltInTheBackgroundTakesInTheWritesMadeMeanwhile() throws Exception {
		ExecutorService builder = Executors.newSingleThreadExecutor();
		CountDownLatch buildMayStart = new CountDownLatch(1);
		try {
			InMemorySemanticIndex index = new InMemorySemanticIndex(1000, task -> builder.execute(() -> {
				try {
					buildMayStart.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				task.run();
			}));
			List<float[]> stored = new ArrayList<>();
			for (int i = 0; i < 6000; i++) {
				stored.add(unit());
			}
			Map<String, float[]> expected = new HashMap<>();
			for (int i = 0; i < 1500; i++) {
				index.add(entry("b", "h" + i, stored.get(i)));
				expected.put("h" + i, stored.get(i));
			}
			assertThat(index.isApproximate("b")).as("scanned until its graph is ready").isFalse();
			assertThat(index.nearest("b", "", stored.get(1499), 1, -1).get(0).entry().hash()).isEqualTo("h1499");
			buildMayStart.countDown();
			// Writes race with the build: added, removed, replaced by another vector.
			for (int i = 1500; i < 6000; i++) {
				index.add(entry("b", "h" + i, stored.get(i)));
				expected.put("h" + i, stored.get(i));
				if (i % 4 == 0) {
					index.remove("b", "h" + (i - 1000));
					expected.remove("h" + (i - 1000));
				}
				if (i % 7 == 0 && expected.containsKey("h" + (i - 10))) {
					index.add(entry("b", "h" + (i - 10), stored.get(i - 5)));
					expected.put("h" + (i - 10), stored.get(i - 5));
				}
			}
			long deadline = System.currentTimeMillis() + 60_000;
			while (!index.isApproximate("b") && System.currentTimeMillis() < deadline) {
				Thread.sleep(20);
			}
			assertThat(index.isApproximate("b")).isTrue();
			builder.submit(() -> null).get(60, TimeUnit.SECONDS);
			assertThat(index.size()).isEqualTo(expected.size());
			int lost = 0;
			for (Map.Entry<String, float[]> live : expected.entrySet()) {
				List<Neighbor> found = index.nearest("b", "", live.getValue(), 3, -1);
				for (Neighbor neighbor : found) {
					assertThat(expected.get(neighbor.entry().hash())).as("never a removed or replaced version")
						.isSameAs(neighbor.entry().vector());
				}
				if (found.get(0).similarity() < 0.9999) {
					lost++;
				}
			}
			assertThat(lost).as("live entries the graph does not find").isLessThanOrEqualTo(expected.size() / 200);
		}
		finally {
			buildMayStart.countDown();
			builder.shutdownNow();
		}
	}

	@Test
	void handsBackEntriesAsTheyWereGivenWhateverFormTheirHashAndTextAreHeldIn() {
		InMemorySemanticIndex index = new InMemorySemanticIndex(Integer.MAX_VALUE, Runnable::run);
		String sha = "00ff0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0fedcba98765";
		String[] hashes = { sha, sha.toUpperCase(java.util.Locale.ROOT), "h1", sha.substring(1) + "g" };
		for (String hash : hashes) {
			float[] vector = unit();
			index.add(new IndexedRequest("b", "ns", "tenant", hash, "Grüße, " + hash + " \u2603", vector, 1234L));
			IndexedRequest found = index.nearest("b", "", vector, 1, -1).get(0).entry();
			assertThat(found).isEqualTo(new IndexedRequest("b", "ns", "tenant", hash, "Grüße, " + hash + " \u2603",
					found.vector(), 1234L));
			assertThat(found.vector()).isSameAs(vector);
		}
		assertThat(index.size()).isEqualTo(4);
		index.remove("b", sha);
		index.remove("b", "h1");
		assertThat(index.contains("b", sha)).isFalse();
		assertThat(index.contains("b", sha.toUpperCase(java.util.Locale.ROOT))).isTrue();
		assertThat(index.size()).isEqualTo(2);
	}

	@Test
	void aGraphMergedManyTimesFindsWhatOneLuceneGraphOfTheSameEntriesFinds() throws Exception {
		// 100 entries frozen at first, then merged each time 256 more came: about a dozen merges.
		InMemorySemanticIndex merged = new InMemorySemanticIndex(100, Runnable::run);
		InMemorySemanticIndex exact = new InMemorySemanticIndex(Integer.MAX_VALUE, Runnable::run);
		List<float[]> stored = new ArrayList<>();
		for (int i = 0; i < 3500; i++) {
			float[] vector = clustered(i % 30);
			stored.add(vector);
			merged.add(entry("b", "h" + i, vector));
			exact.add(entry("b", "h" + i, vector));
		}
		// One Lucene graph of the same vectors, as the index held them before it froze its links.
		HnswGraphBuilder builder = HnswGraphBuilder.create(new BetweenVectors(stored), InMemorySemanticIndex.MAX_CONN,
				InMemorySemanticIndex.BEAM_WIDTH, 42);
		for (int i = 0; i < stored.size(); i++) {
			builder.addGraphNode(i);
		}
		int foundByMerged = 0;
		int foundByOne = 0;
		for (int q = 0; q < 400; q++) {
			float[] query = (q % 2 == 0) ? perturb(stored.get(this.random.nextInt(stored.size())), 0.3)
					: clustered(this.random.nextInt(30));
			String nearest = exact.nearest("b", "", query, 1, -1).get(0).entry().hash();
			if (merged.nearest("b", "", query, 1, -1).get(0).entry().hash().equals(nearest)) {
				foundByMerged++;
			}
			int best = HnswGraphSearcher
				.search(new BetweenVectors(stored).scorer(query), InMemorySemanticIndex.SEARCH_BEAM, builder.getGraph(),
						null, Integer.MAX_VALUE)
				.topDocs().scoreDocs[0].doc;
			if (("h" + best).equals(nearest)) {
				foundByOne++;
			}
		}
		assertThat(merged.isApproximate("b")).isTrue();
		assertThat(foundByOne).isGreaterThanOrEqualTo(390);
		assertThat(foundByMerged).isGreaterThanOrEqualTo(foundByOne - 2);
	}

	@Test
	void lookupsDuringAMergeSeeEveryLiveEntryAndNoRemovedOne() throws Exception {
		ExecutorService builder = Executors.newSingleThreadExecutor();
		CountDownLatch sealed = new CountDownLatch(1);
		CountDownLatch mayMerge = new CountDownLatch(1);
		try {
			InMemorySemanticIndex index = new InMemorySemanticIndex(100, builder);
			index.whileMerging = () -> {
				sealed.countDown();
				try {
					mayMerge.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			};
			Map<String, float[]> live = new HashMap<>();
			Map<String, float[]> removed = new HashMap<>();
			int next = 0;
			// Past the threshold: a graph built in the background, all of it frozen.
			for (; next < 101; next++) {
				live.put("h" + next, unit());
				index.add(entry("b", "h" + next, live.get("h" + next)));
			}
			builder.submit(() -> null).get(60, TimeUnit.SECONDS);
			assertThat(index.isApproximate("b")).isTrue();
			// 257 more in the mutable part: past 256, it is sealed and merged, and the merge held.
			for (; next < 358; next++) {
				live.put("h" + next, unit());
				index.add(entry("b", "h" + next, live.get("h" + next)));
			}
			assertThat(sealed.await(60, TimeUnit.SECONDS)).isTrue();
			// Meanwhile: more entries (in a fresh mutable part), removals from every part, a replacement.
			for (; next < 420; next++) {
				live.put("h" + next, unit());
				index.add(entry("b", "h" + next, live.get("h" + next)));
			}
			for (String hash : List.of("h3", "h50", "h150", "h357", "h400")) {
				index.remove("b", hash);
				removed.put(hash, live.remove(hash));
			}
			float[] moved = unit();
			removed.put("h200", live.get("h200"));
			index.add(entry("b", "h200", moved));
			live.put("h200", moved);
			assertEveryLiveEntryFoundAndNoRemovedOne(index, live, removed);
			mayMerge.countDown();
			builder.submit(() -> null).get(60, TimeUnit.SECONDS);
			assertEveryLiveEntryFoundAndNoRemovedOne(index, live, removed);
			assertThat(index.size()).isEqualTo(live.size());
		}
		finally {
			mayMerge.countDown();
			builder.shutdownNow();
		}
	}

	private static void assertEveryLiveEntryFoundAndNoRemovedOne(InMemorySemanticIndex index, Map<String, float[]> live,
			Map<String, float[]> removed) {
		for (Map.Entry<String, float[]> entry : live.entrySet()) {
			List<Neighbor> found = index.nearest("b", "", entry.getValue(), 3, -1);
			assertThat(found.get(0).entry().hash()).as(entry.getKey()).isEqualTo(entry.getKey());
			assertThat(found.get(0).entry().vector()).isSameAs(entry.getValue());
		}
		for (Map.Entry<String, float[]> entry : removed.entrySet()) {
			// Its own vector, and room for every entry: a removed (or replaced) version would be among them.
			assertThat(index.nearest("b", "", entry.getValue(), 1000, -1)).hasSize(live.size())
				.noneSatisfy(n -> assertThat(n.entry().vector()).isSameAs(entry.getValue()));
		}
	}

	@Test
	void closingTheIndexStopsItsBackgroundThread() throws Exception {
		Set<Thread> before = graphThreads();
		InMemorySemanticIndex index = InMemorySemanticIndex.bounded(100, Integer.MAX_VALUE, Integer.MAX_VALUE,
				InMemorySemanticIndex.Vectors.INT8);
		for (int i = 0; i < 101; i++) {
			index.add(entry("b", "h" + i, unit()));
		}
		Set<Thread> own = graphThreads();
		own.removeAll(before);
		assertThat(own).hasSize(1).allSatisfy(thread -> assertThat(thread.isDaemon()).isTrue());
		index.close();
		assertThat(index.awaitClosed(60, TimeUnit.SECONDS)).isTrue();
		for (Thread thread : own) {
			// Terminated, as the executor reports it, a moment before its thread has returned.
			thread.join(60_000);
			assertThat(thread.isAlive()).isFalse();
		}
		// Still answers, and takes entries, without building anything any more.
		float[] vector = unit();
		index.add(entry("c", "c0", vector));
		for (int i = 1; i < 200; i++) {
			index.add(entry("c", "c" + i, unit()));
		}
		assertThat(index.isApproximate("c")).isFalse();
		assertThat(index.nearest("c", "", vector, 1, -1).get(0).entry().hash()).isEqualTo("c0");
		Set<Thread> after = graphThreads();
		after.removeAll(before);
		assertThat(after).isEmpty();
	}

	private static Set<Thread> graphThreads() {
		Set<Thread> threads = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("llmcache-semantic-graph-") && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	/** Float vectors scored as the index scores them, for a Lucene graph built beside it. */
	record BetweenVectors(List<float[]> vectors) implements RandomVectorScorerSupplier {

		@Override
		public RandomVectorScorer scorer(int ord) {
			return scorer(this.vectors.get(ord));
		}

		RandomVectorScorer scorer(float[] query) {
			return new RandomVectorScorer() {

				@Override
				public float score(int node) {
					return (1 + VectorUtil.dotProduct(query, BetweenVectors.this.vectors.get(node))) / 2;
				}

				@Override
				public int maxOrd() {
					return BetweenVectors.this.vectors.size();
				}

			};
		}

		@Override
		public RandomVectorScorerSupplier copy() {
			return this;
		}

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

	// Topics: a seeded centre per topic, entries scattered around it (same-topic similarity about 0.6).
	private float[] clustered(int topic) {
		Random centres = new Random(1000 + topic);
		float[] v = new float[DIMENSIONS];
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) (centres.nextGaussian() / Math.sqrt(DIMENSIONS)
					+ this.random.nextGaussian() * 0.8 / Math.sqrt(DIMENSIONS));
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
