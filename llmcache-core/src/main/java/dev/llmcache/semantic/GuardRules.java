package dev.llmcache.semantic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The data behind {@link SemanticGuard}: negation words, opposite poles, words that are not
 * entities although capitalized, number words and direction words. Read from a line-based text
 * file, documented in the default set ({@code dev/llmcache/semantic/default-guard-rules.txt}),
 * so that an application can replace the rules (or a copy of the defaults, extended) without code.
 *
 * <p>Immutable and thread-safe.
 */
public final class GuardRules {

	/** Location of the default rules on the class path. */
	public static final String DEFAULT_LOCATION = "dev/llmcache/semantic/default-guard-rules.txt";

	private static volatile GuardRules defaults;

	private final Set<String> negations;

	private final List<Opposite> opposites;

	private final Set<String> common;

	private final Map<String, String> numbers;

	private final Set<String> directions;

	private final Set<String> entities;

	private final Map<String, Integer> synonyms;

	private GuardRules(Set<String> negations, List<Opposite> opposites, Set<String> common,
			Map<String, String> numbers, Set<String> directions, Set<String> entities, Map<String, Integer> synonyms) {
		this.negations = Set.copyOf(negations);
		this.opposites = List.copyOf(opposites);
		this.common = Set.copyOf(common);
		this.numbers = Map.copyOf(numbers);
		this.directions = Set.copyOf(directions);
		this.entities = Set.copyOf(entities);
		this.synonyms = Map.copyOf(synonyms);
	}

	/** The rules shipped with llmcache. */
	public static GuardRules defaults() {
		GuardRules rules = defaults;
		if (rules == null) {
			InputStream in = GuardRules.class.getClassLoader().getResourceAsStream(DEFAULT_LOCATION);
			if (in == null) {
				throw new IllegalStateException("llmcache: the default guard rules " + DEFAULT_LOCATION + " are missing");
			}
			rules = read(in, DEFAULT_LOCATION);
			defaults = rules;
		}
		return rules;
	}

	/**
	 * Read rules in the documented format; the stream is closed.
	 * @param source named in error messages
	 * @throws IllegalArgumentException naming the source and line of a malformed rule
	 */
	public static GuardRules read(InputStream in, String source) {
		Set<String> negations = new HashSet<>();
		List<Opposite> opposites = new ArrayList<>();
		Set<String> common = new HashSet<>();
		Map<String, String> numbers = new HashMap<>();
		Set<String> directions = new HashSet<>();
		Set<String> entities = new HashSet<>();
		Map<String, Integer> synonyms = new HashMap<>();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			String line;
			int number = 0;
			while ((line = reader.readLine()) != null) {
				number++;
				int hash = line.indexOf('#');
				String text = ((hash >= 0) ? line.substring(0, hash) : line).trim().toLowerCase(Locale.ROOT);
				if (text.isEmpty()) {
					continue;
				}
				int colon = text.indexOf(':');
				if (colon < 0) {
					throw malformed(source, number, "expected 'kind: ...'");
				}
				String kind = text.substring(0, colon).trim();
				String body = text.substring(colon + 1).trim();
				switch (kind) {
					case "negation" -> negations.addAll(words(body));
					case "common" -> common.addAll(words(body));
					case "direction" -> directions.addAll(words(body));
					case "entity" -> {
						List<String> names = words(body);
						for (String name : names) {
							if (name.contains(" ")) {
								throw malformed(source, number, "an entity is a single word, not '" + name + "'");
							}
						}
						entities.addAll(names);
					}
					case "synonym" -> {
						List<String> group = words(body);
						if (group.size() < 2 || group.stream().anyMatch((word) -> word.contains(" "))) {
							throw malformed(source, number, "a synonym line needs two or more single words");
						}
						for (String word : group) {
							synonyms.put(word, number);
						}
					}
					case "opposite" -> {
						String[] poles = body.split("\\|");
						if (poles.length != 2 || words(poles[0]).isEmpty() || words(poles[1]).isEmpty()) {
							throw malformed(source, number, "an opposite needs two non-empty poles separated by '|'");
						}
						opposites.add(new Opposite(words(poles[0]), words(poles[1])));
					}
					case "number" -> {
						String[] parts = body.split("=");
						if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
							throw malformed(source, number, "a number needs 'word = value'");
						}
						String word = parts[0].trim();
						if (word.chars().anyMatch(Character::isWhitespace)) {
							throw malformed(source, number, "a number word is a single word, not '" + word + "'");
						}
						numbers.put(word, parts[1].trim());
					}
					default -> throw malformed(source, number,
							"unknown kind '" + kind + "' (expected negation, opposite, common, number, direction, entity or synonym)");
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("llmcache: cannot read guard rules from " + source, ex);
		}
		return new GuardRules(negations, opposites, common, numbers, directions, entities, synonyms);
	}

	private static IllegalArgumentException malformed(String source, int line, String why) {
		return new IllegalArgumentException("llmcache: malformed guard rule at " + source + ":" + line + ": " + why);
	}

	private static List<String> words(String list) {
		List<String> words = new ArrayList<>();
		for (String word : list.split(",")) {
			String trimmed = word.trim().replaceAll("\\s+", " ");
			if (!trimmed.isEmpty()) {
				words.add(trimmed);
			}
		}
		return words;
	}

	public Set<String> negations() {
		return this.negations;
	}

	public List<Opposite> opposites() {
		return this.opposites;
	}

	public Set<String> common() {
		return this.common;
	}

	public Map<String, String> numbers() {
		return this.numbers;
	}

	/** Words that give the word after them a role, such as the target of "to" in "km to miles". */
	public Set<String> directions() {
		return this.directions;
	}

	/** Names that count as entities however they are written ("docker on ubuntu"). */
	public Set<String> entities() {
		return this.entities;
	}

	/**
	 * Words the lexicon does not know to be interchangeable but are, each mapped to the number of its
	 * group: two words with the same number may replace each other in a request.
	 */
	public Map<String, Integer> synonyms() {
		return this.synonyms;
	}

	/**
	 * Two poles of one polarity.
	 *
	 * @param positive words or phrases of one pole
	 * @param negative words or phrases of the other
	 */
	public record Opposite(List<String> positive, List<String> negative) {

		public Opposite {
			positive = List.copyOf(positive);
			negative = List.copyOf(negative);
		}

	}

}
