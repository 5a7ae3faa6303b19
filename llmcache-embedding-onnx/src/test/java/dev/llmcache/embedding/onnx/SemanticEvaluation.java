package dev.llmcache.embedding.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.llmcache.key.PromptNormalizer;
import dev.llmcache.semantic.EmbeddingCache;
import dev.llmcache.semantic.SemanticGuard;
import dev.llmcache.semantic.SemanticHitVerifier;
import dev.llmcache.semantic.SemanticMatcher;
import dev.llmcache.semantic.SemanticQueryFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the semantic tier on a labelled set of request pairs: each pair goes through the code
 * path of the tier (prompt normalization, embedding with the offline model, cosine similarity,
 * threshold, guards), and precision and recall are printed per threshold and per kind, with and
 * without the guards. The last line is {@code defaults: precision=P recall=R} for the default
 * threshold with the guards.
 *
 * <p>Input: a JSON-lines file, one {@code {"a": "...", "b": "...", "same": true|false, "kind": "..."}}
 * per line. Run with {@code eval/evaluate.sh eval/pairs.jsonl}. With the environment variable
 * {@code EVAL_MARKDOWN=<path>}, the same report is also written to that path as a Markdown section
 * ({@code ## Semantic tier: evaluation}), for BENCHMARKS.md.
 */
public final class SemanticEvaluation {

	private static final double[] THRESHOLDS = { 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95 };

	private SemanticEvaluation() {
	}

	record Pair(String a, String b, boolean same, String kind) {
	}

	record Scored(Pair pair, double similarity, boolean guarded) {

		boolean hit(double threshold, boolean withGuards) {
			return this.similarity >= threshold && (!withGuards || !this.guarded);
		}

	}

	public static void main(String[] args) throws IOException {
		if (args.length < 1) {
			System.err.println("usage: SemanticEvaluation <pairs.jsonl> [threshold]");
			System.exit(2);
		}
		double defaultThreshold = (args.length > 1) ? Double.parseDouble(args[1])
				: SemanticQueryFactory.DEFAULT_THRESHOLD;
		Path pairsFile = Path.of(args[0]);
		List<Pair> pairs = read(pairsFile);
		PromptNormalizer normalizer = PromptNormalizer.defaults();
		SemanticGuard guard = SemanticGuard.defaults();
		SemanticMatcher matcher = new SemanticMatcher(new EmbeddingCache(new OnnxMiniLmEmbeddingModel(), 100_000, guard.lexicon()), guard,
				SemanticHitVerifier.ACCEPT_ALL);
		List<Scored> scored = new ArrayList<>();
		for (Pair pair : pairs) {
			// The cached request is a, the new request b, as the tier sees them.
			String cached = normalizer.normalize(pair.a());
			String request = normalizer.normalize(pair.b());
			double similarity = matcher.similarity(request, cached);
			boolean guarded = matcher.rejection(request, cached, similarity, 0) != null;
			scored.add(new Scored(pair, similarity, guarded));
		}
		TreeSet<Double> thresholds = new TreeSet<>();
		for (double threshold : THRESHOLDS) {
			thresholds.add(threshold);
		}
		thresholds.add(defaultThreshold);
		Map<String, List<Scored>> byKind = new TreeMap<>();
		for (Scored s : scored) {
			byKind.computeIfAbsent(s.pair().kind(), k -> new ArrayList<>()).add(s);
		}

		long positives = pairs.stream().filter(Pair::same).count();
		System.out.printf(Locale.ROOT, "pairs: %d (%d same, %d different)%n%n", pairs.size(), positives,
				pairs.size() - positives);
		System.out.println("| threshold | guards | precision | recall | hits | wrong hits |");
		System.out.println("| ---: | :---: | ---: | ---: | ---: | ---: |");
		for (double threshold : thresholds) {
			for (boolean withGuards : new boolean[] { false, true }) {
				Counts counts = count(scored, threshold, withGuards);
				System.out.printf(Locale.ROOT, "| %.2f | %s | %s | %s | %d | %d |%n", threshold,
						withGuards ? "yes" : "no", format(counts.precision()), format(counts.recall()), counts.hits,
						counts.wrong);
			}
		}
		System.out.printf(Locale.ROOT, "%nper kind at threshold %.2f:%n%n", defaultThreshold);
		System.out.println("| kind | pairs | guards | hits | wrong hits | precision | recall |");
		System.out.println("| --- | ---: | :---: | ---: | ---: | ---: | ---: |");
		for (Map.Entry<String, List<Scored>> kind : byKind.entrySet()) {
			for (boolean withGuards : new boolean[] { false, true }) {
				Counts counts = count(kind.getValue(), defaultThreshold, withGuards);
				System.out.printf(Locale.ROOT, "| %s | %d | %s | %d | %d | %s | %s |%n", kind.getKey(),
						kind.getValue().size(), withGuards ? "yes" : "no", counts.hits, counts.wrong,
						format(counts.precision()), format(counts.recall()));
			}
		}
		if (System.getProperty("eval.verbose") != null) {
			System.out.println();
			for (Scored s : scored) {
				boolean hit = s.hit(defaultThreshold, true);
				if (hit != s.pair().same()) {
					System.out.printf(Locale.ROOT, "%s %.3f guarded=%s %s | %s%n", hit ? "WRONG-HIT" : "MISSED",
							s.similarity(), s.guarded(), s.pair().a(), s.pair().b());
				}
			}
		}
		Counts defaults = count(scored, defaultThreshold, true);
		String defaultsLine = String.format(Locale.ROOT, "defaults: precision=%s recall=%s",
				format(defaults.precision()), format(defaults.recall()));
		String markdown = System.getenv("EVAL_MARKDOWN");
		if (markdown != null && !markdown.isBlank()) {
			String command = System.getProperty("eval.command", "eval/evaluate.sh " + String.join(" ", args));
			writeMarkdown(Path.of(markdown), command, pairsFile, pairs.size(), positives, defaultThreshold, thresholds,
					scored, byKind, defaultsLine);
		}
		System.out.println();
		System.out.println(defaultsLine);
	}

	/** The report as a Markdown section, for BENCHMARKS.md (EVAL_MARKDOWN=path). */
	static void writeMarkdown(Path target, String command, Path pairsFile, int count, long positives,
			double defaultThreshold, Set<Double> thresholds, List<Scored> scored, Map<String, List<Scored>> byKind,
			String defaultsLine) throws IOException {
		StringBuilder md = new StringBuilder();
		md.append("## Semantic tier: evaluation\n\n");
		md.append("Command: `").append(command).append("`\n\n");
		String source = (defaultThreshold == SemanticQueryFactory.DEFAULT_THRESHOLD)
				? "`SemanticQueryFactory.DEFAULT_THRESHOLD`, guards on"
				: String.format(Locale.ROOT, "given on the command line instead of the default %.2f, guards on",
						SemanticQueryFactory.DEFAULT_THRESHOLD);
		md.append(String.format(Locale.ROOT, "Pairs: `%s`, %d pairs (%d same, %d different). Default threshold: %.2f "
				+ "(%s).%n%n", displayed(pairsFile), count, positives, count - positives, defaultThreshold, source));
		md.append("Per threshold, over all pairs:\n\n");
		md.append("| threshold | precision (no guards) | recall (no guards) | precision (guards) | recall (guards) |\n");
		md.append("| ---: | ---: | ---: | ---: | ---: |\n");
		for (double threshold : thresholds) {
			Counts without = count(scored, threshold, false);
			Counts with = count(scored, threshold, true);
			md.append(String.format(Locale.ROOT, "| %.2f%s | %s | %s | %s | %s |%n", threshold,
					(threshold == defaultThreshold) ? " (default)" : "", format(without.precision()),
					format(without.recall()), format(with.precision()), format(with.recall())));
		}
		md.append(String.format(Locale.ROOT, "%nPer kind, at the default threshold %.2f (a recall of n/a: the kind has "
				+ "no pairs that mean the same; a precision of n/a: no hits):%n%n", defaultThreshold));
		md.append("| kind | pairs | hits (no guards) | wrong hits (no guards) | precision (no guards) | recall (no guards) "
				+ "| hits (guards) | wrong hits (guards) | precision (guards) | recall (guards) |\n");
		md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (Map.Entry<String, List<Scored>> kind : byKind.entrySet()) {
			Counts without = count(kind.getValue(), defaultThreshold, false);
			Counts with = count(kind.getValue(), defaultThreshold, true);
			md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %d | %d | %s | %s |%n", kind.getKey(),
					kind.getValue().size(), without.hits, without.wrong, format(without.precision()),
					format(without.recall()), with.hits, with.wrong, format(with.precision()), format(with.recall())));
		}
		md.append("\n```\n").append(defaultsLine).append("\n```\n");
		Path parent = target.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(target, md.toString(), StandardCharsets.UTF_8);
	}

	/** The pairs file relative to the working directory (the repository root) when it is inside it. */
	private static String displayed(Path pairsFile) {
		Path absolute = pairsFile.toAbsolutePath().normalize();
		Path root = Path.of("").toAbsolutePath();
		return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
	}

	private static String format(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
	}

	record Counts(long hits, long wrong, long positives) {

		double precision() {
			return (this.hits == 0) ? Double.NaN : (double) (this.hits - this.wrong) / this.hits;
		}

		double recall() {
			return (this.positives == 0) ? Double.NaN : (double) (this.hits - this.wrong) / this.positives;
		}

	}

	private static Counts count(List<Scored> scored, double threshold, boolean withGuards) {
		long hits = 0;
		long wrong = 0;
		long positives = 0;
		for (Scored s : scored) {
			if (s.pair().same()) {
				positives++;
			}
			if (s.hit(threshold, withGuards)) {
				hits++;
				if (!s.pair().same()) {
					wrong++;
				}
			}
		}
		return new Counts(hits, wrong, positives);
	}

	static List<Pair> read(Path path) throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		List<Pair> pairs = new ArrayList<>();
		int line = 0;
		for (String text : Files.readAllLines(path, StandardCharsets.UTF_8)) {
			line++;
			if (text.isBlank()) {
				continue;
			}
			JsonNode node = mapper.readTree(text);
			if (!node.hasNonNull("a") || !node.hasNonNull("b") || !node.path("same").isBoolean()) {
				throw new IllegalArgumentException(path + ":" + line + ": expected {\"a\": .., \"b\": .., \"same\": "
						+ "true|false, \"kind\": ..}");
			}
			pairs.add(new Pair(node.get("a").asString(), node.get("b").asString(), node.get("same").asBoolean(),
					node.path("kind").asString(node.get("same").asBoolean() ? "same" : "different")));
		}
		return pairs;
	}

}
