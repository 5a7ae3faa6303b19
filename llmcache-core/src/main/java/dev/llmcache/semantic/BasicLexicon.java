package dev.llmcache.semantic;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Inflections by suffix only ("enabling", "enabled", "enables" share the base "enable"); knows no
 * meanings. What the guards fall back to without WordNet: substitutions are then rejected unless
 * they are inflections, so the tier serves fewer hits, never more wrong ones.
 */
final class BasicLexicon implements Lexicon {

	static final BasicLexicon INSTANCE = new BasicLexicon();

	private static final String[][] SUFFIXES = { { "ies", "y" }, { "es", "" }, { "s", "" }, { "ied", "y" },
			{ "ed", "" }, { "ed", "e" }, { "ing", "" }, { "ing", "e" }, { "er", "" }, { "er", "e" }, { "est", "" },
			{ "est", "e" }, { "ly", "" } };

	private static final long[] NO_SENSES = {};

	private BasicLexicon() {
	}

	@Override
	public Entry lookup(String word) {
		return new Entry(false, stems(word), NO_SENSES, NO_SENSES, NO_SENSES, Set.of(), 0);
	}

	/** The word and what it is with one inflectional suffix removed (at least three letters left). */
	static Set<String> stems(String word) {
		Set<String> stems = new LinkedHashSet<>();
		stems.add(word);
		for (String[] suffix : SUFFIXES) {
			if (word.endsWith(suffix[0]) && word.length() - suffix[0].length() >= 3) {
				String stem = word.substring(0, word.length() - suffix[0].length()) + suffix[1];
				stems.add(stem);
				// "stopped" -> "stop", "running" -> "run"
				int n = stem.length();
				if (suffix[1].isEmpty() && n >= 4 && stem.charAt(n - 1) == stem.charAt(n - 2)) {
					stems.add(stem.substring(0, n - 1));
				}
			}
		}
		return stems;
	}

}
