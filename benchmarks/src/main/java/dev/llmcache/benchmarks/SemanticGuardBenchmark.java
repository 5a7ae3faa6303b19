package dev.llmcache.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.llmcache.semantic.EmbeddingCache;
import dev.llmcache.semantic.GuardRules;
import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.Lexicon;
import dev.llmcache.semantic.SemanticGuard;
import dev.llmcache.semantic.SemanticHitVerifier;
import dev.llmcache.semantic.SemanticIndex;
import dev.llmcache.semantic.SemanticMatcher;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.MetadataMode;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * What the semantic guards cost per candidate, and a semantic hit without the embedding (issue #15
 * targets: guards and alignment at most 20 us per candidate; a hit whose embedding is cached at
 * most 50 us and 20 KB allocated; run with {@code -prof gc} for the allocation).
 *
 * <ul>
 * <li>{@code guardRepeated}: {@link SemanticGuard#disagreement} on paraphrase pairs whose texts the
 * guard has seen before (its analysis cache holds them), as when a cached request is a candidate
 * again: an alignment of the two texts.</li>
 * <li>{@code guardFirstSight}: the same with no analysis kept, so both texts are tokenized and looked
 * up in the lexicon (warm: every word's WordNet entry is cached after its first use) on every call.</li>
 * <li>{@code semanticHit}: the tier's path for one request whose embedding is cached: the embedding
 * cache, the nearest entries of a bucket of 200 (exact scan), and the matcher (threshold, guards) on
 * the candidates until one passes. The exact lookup of the answer that follows a hit is not
 * included (see {@code L1HitBenchmark}).</li>
 * </ul>
 * Paraphrase pairs are the kind that pass the guards (a rejected pair stops earlier and costs less).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SemanticGuardBenchmark {

	static final String[][] PAIRS = { { "How do I reset my password?", "What are the steps to reset my password?" },
			{ "What is the capital of France?", "What's the capital city of France?" },
			{ "How do I turn on dark mode?", "How can I turn on dark mode?" },
			{ "HOW DO I RESET MY PASSWORD?", "how do i reset my password?" },
			{ "How do I install Node.js on Windows?", "How do I install NodeJS on Windows?" },
			{ "Do you offer free shipping in the US?", "Do you offer free shipping in the United States?" },
			{ "Why isn't my CSS file loading?", "Why is my CSS file not loading?" },
			{ "How do I modify my billing address?", "How do I change my billing address?" },
			{ "Plan a four day trip to Kyoto", "Plan a 4 day trip to Kyoto" },
			{ "What is the largest ocean on Earth?", "What is the biggest ocean on Earth?" },
			{ "How long does a refund take to show up on my card?", "How long until a refund shows up on my card?" },
			{ "Is it safe to take ibuprofen with coffee?", "Can I safely take ibuprofen with coffee?" } };

	static final int BUCKET_SIZE = 200;

	static final String BUCKET = "bench";

	private SemanticGuard repeated;

	private SemanticGuard firstSight;

	private EmbeddingCache embeddings;

	private SemanticIndex index;

	private SemanticMatcher matcher;

	private int next;

	@Setup(Level.Trial)
	public void setUp() {
		this.repeated = new SemanticGuard(GuardRules.defaults(), Lexicon.wordNet());
		this.firstSight = new SemanticGuard(GuardRules.defaults(), Lexicon.wordNet(), 0);
		Map<String, float[]> vectors = new HashMap<>();
		SplittableRandom random = new SplittableRandom(15);
		this.index = new InMemorySemanticIndex();
		for (int i = 0; i < PAIRS.length; i++) {
			float[] cached = randomUnit(random);
			float[] request = cached.clone();
			request[i] += 0.2f; // a paraphrase: similarity about 0.98
			normalize(request);
			vectors.put(PAIRS[i][0], cached);
			vectors.put(PAIRS[i][1], request);
			this.index.add(new IndexedRequest(BUCKET, "bench", null, "h" + i, PAIRS[i][0], cached, Long.MAX_VALUE));
		}
		for (int i = PAIRS.length; i < BUCKET_SIZE; i++) {
			this.index.add(new IndexedRequest(BUCKET, "bench", null, "h" + i, "other request " + i, randomUnit(random),
					Long.MAX_VALUE));
		}
		this.embeddings = new EmbeddingCache(new FixedEmbeddingModel(vectors), 10_000);
		this.matcher = new SemanticMatcher(this.embeddings, this.repeated, SemanticHitVerifier.ACCEPT_ALL);
		for (String[] pair : PAIRS) {
			this.embeddings.embed(pair[1]);
			if (!this.repeated.agree(pair[1], pair[0]) || !this.firstSight.agree(pair[1], pair[0])) {
				throw new IllegalStateException("not a hit: " + pair[0] + " | " + pair[1]);
			}
			if (semanticHit(pair[1]) == null) {
				throw new IllegalStateException("no semantic hit for " + pair[1]);
			}
		}
	}

	private String[] nextPair() {
		String[] pair = PAIRS[this.next];
		this.next = (this.next + 1) % PAIRS.length;
		return pair;
	}

	@Benchmark
	public Object guardRepeated() {
		String[] pair = nextPair();
		return this.repeated.disagreement(pair[1], pair[0]);
	}

	@Benchmark
	public Object guardFirstSight() {
		String[] pair = nextPair();
		return this.firstSight.disagreement(pair[1], pair[0]);
	}

	@Benchmark
	public Object semanticHit() {
		return semanticHit(nextPair()[1]);
	}

	private IndexedRequest semanticHit(String request) {
		float[] vector = this.embeddings.embed(request);
		List<SemanticIndex.Neighbor> candidates = this.index.nearest(BUCKET, request, vector,
				SemanticQueryFactory.DEFAULT_CANDIDATES, SemanticQueryFactory.DEFAULT_THRESHOLD);
		for (SemanticIndex.Neighbor candidate : candidates) {
			if (this.matcher.rejection(request, candidate.entry().text(), candidate.similarity(),
					SemanticQueryFactory.DEFAULT_THRESHOLD) == null) {
				return candidate.entry();
			}
		}
		return null;
	}

	private static float[] randomUnit(SplittableRandom random) {
		float[] vector = new float[384];
		for (int i = 0; i < vector.length; i++) {
			vector[i] = (float) random.nextGaussian();
		}
		return normalize(vector);
	}

	private static float[] normalize(float[] vector) {
		double norm = 0;
		for (float v : vector) {
			norm += v * v;
		}
		float scale = (float) (1 / Math.sqrt(norm));
		for (int i = 0; i < vector.length; i++) {
			vector[i] *= scale;
		}
		return vector;
	}

	/** One fixed vector per known text. */
	static final class FixedEmbeddingModel implements EmbeddingModel {

		private final Map<String, float[]> vectors;

		FixedEmbeddingModel(Map<String, float[]> vectors) {
			this.vectors = vectors;
		}

		@Override
		public EmbeddingResponse call(EmbeddingRequest request) {
			List<Embedding> embeddings = new ArrayList<>();
			for (String text : request.getInstructions()) {
				embeddings.add(new Embedding(embed(text), embeddings.size()));
			}
			return new EmbeddingResponse(embeddings);
		}

		@Override
		public float[] embed(String text) {
			float[] vector = this.vectors.get(text);
			if (vector == null) {
				throw new IllegalArgumentException("no vector for " + text);
			}
			return vector.clone();
		}

		@Override
		public float[] embed(Document document) {
			return embed(document.getFormattedContent(MetadataMode.EMBED));
		}

		@Override
		public int dimensions() {
			return 384;
		}

	}

}
