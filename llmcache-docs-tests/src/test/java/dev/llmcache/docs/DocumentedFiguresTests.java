package dev.llmcache.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evaluation figures have one source: the "Semantic tier: evaluation" section of BENCHMARKS.md,
 * which {@code benchmarks/run.sh} writes from {@code eval/evaluate.sh}. Wherever README.md and
 * docs/semantic.md repeat a figure (pairs, precision, recall, a row of the threshold table, the
 * defaults line), it must be that one, and the count of pairs must be the pairs file's.
 */
class DocumentedFiguresTests {

	private static final List<String> REPEATING = List.of("README.md", "docs/semantic.md");

	private static final Pattern PAIRS = Pattern
		.compile("Pairs: `([^`]+)`, (\\d+) pairs \\((\\d+) same, (\\d+) different\\)");

	private static final Pattern DEFAULTS = Pattern.compile("defaults: precision=([01]\\.\\d+) recall=([01]\\.\\d+)");

	private static final Pattern ROW = Pattern.compile("(?m)^\\| (0\\.\\d\\d)(?: \\(default\\))? \\|(.*)\\|\\s*$");

	private static final Pattern FIGURE = Pattern.compile("\\b[01]\\.\\d{3}\\b");

	private static String read(String document) throws IOException {
		return Files.readString(Snippet.root().resolve(document));
	}

	private static String evaluation() throws IOException {
		String benchmarks = read("BENCHMARKS.md");
		int start = benchmarks.indexOf("## Semantic tier: evaluation");
		assertThat(start).as("BENCHMARKS.md has a 'Semantic tier: evaluation' section").isNotNegative();
		int end = benchmarks.indexOf("\n## ", start + 1);
		return benchmarks.substring(start, (end > 0) ? end : benchmarks.length());
	}

	@Test
	void theEvaluationCountsThePairsFile() throws IOException {
		Matcher pairs = PAIRS.matcher(evaluation());
		assertThat(pairs.find()).isTrue();
		List<String> lines = Files.readAllLines(Snippet.root().resolve(pairs.group(1)))
			.stream()
			.filter(line -> !line.isBlank())
			.toList();
		assertThat(lines).hasSize(Integer.parseInt(pairs.group(2)));
		long same = lines.stream().filter(line -> line.matches(".*\"same\"\\s*:\\s*true.*")).count();
		assertThat(same).isEqualTo(Long.parseLong(pairs.group(3)));
	}

	@Test
	void repeatedFiguresAreTheBenchmarksOnes() throws IOException {
		String evaluation = evaluation();
		Matcher source = PAIRS.matcher(evaluation);
		assertThat(source.find()).isTrue();
		Matcher defaults = DEFAULTS.matcher(evaluation);
		assertThat(defaults.find()).isTrue();
		Map<String, String> rows = new HashMap<>();
		for (Matcher row = ROW.matcher(evaluation); row.find();) {
			rows.put(row.group(1), row.group(2).trim());
		}
		Set<String> figures = new HashSet<>();
		for (Matcher figure = FIGURE.matcher(evaluation); figure.find();) {
			figures.add(figure.group());
		}
		List<String> wrong = new ArrayList<>();
		for (String document : REPEATING) {
			String text = read(document);
			for (Matcher pairs = Pattern.compile("(\\d+) pairs").matcher(text); pairs.find();) {
				if (!pairs.group(1).equals(source.group(2))) {
					wrong.add(document + ": '" + pairs.group() + "', BENCHMARKS.md: " + source.group(2));
				}
			}
			for (Matcher split = Pattern.compile("(\\d+) same, (\\d+) different").matcher(text); split.find();) {
				if (!split.group(1).equals(source.group(3)) || !split.group(2).equals(source.group(4))) {
					wrong.add(document + ": '" + split.group() + "'");
				}
			}
			for (Matcher line = DEFAULTS.matcher(text); line.find();) {
				if (!line.group().equals(defaults.group())) {
					wrong.add(document + ": '" + line.group() + "', BENCHMARKS.md: '" + defaults.group() + "'");
				}
			}
			for (Matcher row = ROW.matcher(text); row.find();) {
				String expected = rows.get(row.group(1));
				if (expected != null && !expected.equals(row.group(2).trim())) {
					wrong.add(document + ": row " + row.group(1) + " '" + row.group(2).trim() + "', BENCHMARKS.md: '"
							+ expected + "'");
				}
			}
			for (String line : text.split("\n")) {
				if (line.startsWith("|") || !(line.contains("precision") || line.contains("recall"))) {
					continue;
				}
				for (Matcher figure = FIGURE.matcher(line); figure.find();) {
					if (!figures.contains(figure.group())) {
						wrong.add(document + ": " + figure.group() + " in '" + line.trim() + "'");
					}
				}
			}
		}
		assertThat(wrong).isEmpty();
	}

}
