package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Checks that two requests which embed close together also agree on the tokens that decide an
 * answer, so that "turn on dark mode" never answers "turn off dark mode" however similar their
 * embeddings are. Applied to every candidate above the threshold before a hit is served.
 *
 * <p>The checks, in order: numbers and identifiers (exactly the same set), negation (both or
 * neither), opposite poles ({@link GuardRules.Opposite}), direction (after a
 * {@linkplain GuardRules#directions() direction word} such as "to", the two requests name each
 * other's words: "10 km to miles" and "10 miles to km"), and entity-like tokens (a capitalized
 * word that is not {@linkplain GuardRules#common() common}, or a name the rules list as an
 * {@linkplain GuardRules#entities() entity} in any case, must appear in the other request).
 * The rules themselves are data: {@link GuardRules}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SemanticGuard {

	// A number with thousands separators (1,000,000.5) is one token; otherwise words, identifiers.
	private static final Pattern TOKEN = Pattern.compile("\\p{N}{1,3}(?:,\\p{N}{3})+(?:\\.\\p{N}+)?(?![\\p{L}\\p{N}])"
			+ "|[\\p{L}\\p{N}]+(?:['’._/\\-][\\p{L}\\p{N}]+)*[+#]*");

	private static final String[] SUFFIXES = { "", "s", "es", "d", "ed", "ing", "er", "est", "ly", "r", "st" };

	private final GuardRules rules;

	public SemanticGuard(GuardRules rules) {
		this.rules = rules;
	}

	public static SemanticGuard defaults() {
		return new SemanticGuard(GuardRules.defaults());
	}

	public GuardRules rules() {
		return this.rules;
	}

	/**
	 * @return null when the requests agree, otherwise the kind of disagreement
	 * ({@code "number"}, {@code "negation"}, {@code "polarity"}, {@code "direction"} or {@code "entity"})
	 */
	public @Nullable String disagreement(String request, String cached) {
		Tokens a = tokens(request);
		Tokens b = tokens(cached);
		if (!a.numbers.equals(b.numbers)) {
			return "number";
		}
		if (a.negated != b.negated) {
			return "negation";
		}
		for (GuardRules.Opposite opposite : this.rules.opposites()) {
			int poleA = poles(a, opposite);
			int poleB = poles(b, opposite);
			if (poleA != 0 && poleB != 0 && poleA != poleB) {
				return "polarity";
			}
		}
		for (Map.Entry<String, Set<String>> direction : a.directed.entrySet()) {
			Set<String> other = b.directed.get(direction.getKey());
			if (other != null && crosses(direction.getValue(), other, b) && crosses(other, direction.getValue(), a)) {
				return "direction";
			}
		}
		if (!b.words.containsAll(a.entities) || !a.words.containsAll(b.entities)) {
			return "entity";
		}
		return null;
	}

	/** Whether the two requests agree on every rule. */
	public boolean agree(String request, String cached) {
		return disagreement(request, cached) == null;
	}

	/** Whether a word follows the direction word in one request only and is mentioned by the other. */
	private static boolean crosses(Set<String> targets, Set<String> otherTargets, Tokens other) {
		for (String target : targets) {
			if (!otherTargets.contains(target) && other.words.contains(target)) {
				return true;
			}
		}
		return false;
	}

	/** Bit 1: mentions the positive pole; bit 2: the negative one. */
	private static int poles(Tokens tokens, GuardRules.Opposite opposite) {
		int poles = 0;
		for (String word : opposite.positive()) {
			if (tokens.mentions(word)) {
				poles |= 1;
				break;
			}
		}
		for (String word : opposite.negative()) {
			if (tokens.mentions(word)) {
				poles |= 2;
				break;
			}
		}
		return poles;
	}

	private Tokens tokens(String text) {
		List<String> original = new ArrayList<>();
		Matcher matcher = TOKEN.matcher(text);
		while (matcher.find()) {
			original.add(matcher.group());
		}
		Set<String> words = new HashSet<>();
		Set<String> numbers = new HashSet<>();
		Set<String> entities = new HashSet<>();
		StringBuilder joined = new StringBuilder(" ");
		boolean negated = false;
		List<String> lowered = new ArrayList<>(original.size());
		for (String token : original) {
			String lower = stripPossessive(token.toLowerCase(Locale.ROOT).replace('’', '\''));
			lowered.add(lower);
			words.add(lower);
			words.add(lower.replace("'", ""));
			joined.append(lower).append(' ');
			String number = this.rules.numbers().get(lower);
			if (number != null) {
				numbers.add(number);
			}
			else if (isNumberOrIdentifier(token)) {
				numbers.add(lower.replace(",", ""));
			}
			if (lower.endsWith("n't") || this.rules.negations().contains(lower)
					|| this.rules.negations().contains(lower.replace("'", ""))) {
				negated = true;
			}
			if ((Character.isUpperCase(token.codePointAt(0)) && !this.rules.common().contains(lower)
					&& !isNumberOrIdentifier(token)) || this.rules.entities().contains(lower)) {
				entities.add(lower);
			}
		}
		return new Tokens(words, numbers, entities, negated, joined.toString(), directed(lowered));
	}

	/** For each direction word, the words that follow it, skipping common words ("to the city": city). */
	private Map<String, Set<String>> directed(List<String> lowered) {
		Map<String, Set<String>> directed = new HashMap<>();
		for (int i = 0; i < lowered.size(); i++) {
			if (!this.rules.directions().contains(lowered.get(i))) {
				continue;
			}
			for (int j = i + 1; j < lowered.size(); j++) {
				String next = lowered.get(j);
				if (!this.rules.common().contains(next) && !this.rules.directions().contains(next)) {
					directed.computeIfAbsent(lowered.get(i), d -> new HashSet<>()).add(next);
					break;
				}
			}
		}
		return directed;
	}

	private static String stripPossessive(String token) {
		if (token.endsWith("'s") && token.length() > 2) {
			return token.substring(0, token.length() - 2);
		}
		return token.endsWith("'") ? token.substring(0, token.length() - 1) : token;
	}

	/**
	 * Digits anywhere, or the shape of an identifier: an underscore, a dot or slash between word
	 * characters, camelCase, or two or more capitals in a row (API, AWS, S3).
	 */
	static boolean isNumberOrIdentifier(String token) {
		boolean lower = false;
		int upperRun = 0;
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (Character.isDigit(c) || c == '_' || ((c == '.' || c == '/') && i > 0 && i < token.length() - 1)) {
				return true;
			}
			if (Character.isUpperCase(c)) {
				if (lower && i > 0) {
					return true; // camelCase
				}
				if (++upperRun >= 2) {
					return true;
				}
			}
			else {
				upperRun = 0;
				lower |= Character.isLowerCase(c);
			}
		}
		return false;
	}

	private record Tokens(Set<String> words, Set<String> numbers, Set<String> entities, boolean negated,
			String joined, Map<String, Set<String>> directed) {

		boolean mentions(String word) {
			if (word.indexOf(' ') >= 0) {
				return this.joined.contains(" " + word + " ");
			}
			for (String suffix : SUFFIXES) {
				if (this.words.contains(word + suffix)) {
					return true;
				}
			}
			// "lose" -> "losing", "close" -> "closing"
			return word.endsWith("e") && this.words.contains(word.substring(0, word.length() - 1) + "ing");
		}

	}

}
