package dev.llmcache.semantic;

import java.util.Arrays;
import java.util.Set;

/**
 * What {@link SemanticGuard} knows about English words: their base forms, which meanings they
 * share (synonyms), which words they are opposite to (antonyms, also through a derived form:
 * "quickly" is opposite to "slow"), and a few word classes the guard's rules need.
 *
 * <p>The default, {@link #wordNet()}, reads WordNet 3.1 (through extJWNL) on first use; when it
 * cannot be loaded the guard falls back to {@link #basic()}, which knows inflections only, so that
 * a missing lexicon makes the tier stricter, never wrong.
 *
 * <p>Implementations must be thread-safe; {@link #lookup} is called for every word of every
 * compared request and should cache.
 */
public interface Lexicon {

	/**
	 * What the lexicon knows about one word.
	 * @param word a lower-case word without punctuation
	 * @return never null; {@link Entry#known()} false for a word the lexicon does not know
	 */
	Entry lookup(String word);

	/**
	 * The words an acronym stands for, when the lexicon knows exactly one reading of it whose words'
	 * initials spell it ("GDP": "gross domestic product"); null when it knows none or several
	 * ("IRA"), so that a guess never replaces what was written.
	 * @param acronym the acronym as written, in capitals
	 */
	default @org.jspecify.annotations.Nullable String expansion(String acronym) {
		return null;
	}

	/** WordNet 3.1, loaded lazily and shared by every guard of the JVM. */
	static Lexicon wordNet() {
		return WordNetLexicon.shared();
	}

	/** Inflections by suffix only: no synonyms, no antonyms, no word classes. */
	static Lexicon basic() {
		return BasicLexicon.INSTANCE;
	}

	/**
	 * One word's lexical facts.
	 *
	 * @param known whether the lexicon knows the word (in any part of speech)
	 * @param lemmas the word's base forms, the word itself included
	 * @param senses its usual meanings (opaque ids, sorted): in WordNet its first few senses
	 * @param rare its other meanings (sorted); two words are synonyms when a usual meaning of one is
	 * any meaning of the other ("small" is usually "minor", a rare sense of "minor")
	 * @param broader meanings one or two levels above its usual ones (hypernyms: "change" above
	 * "update"), an adjective's similar adjectives ("unhealthy", "bad") and the attribute an
	 * adjective gives a value of, or a noun's adjectives ("tall", "height"), sorted
	 * @param antonyms base forms of words opposite to one of its meanings or derived forms
	 * @param flags {@link #ADVERB}, {@link #ADJECTIVE}, {@link #LANGUAGE}, {@link #PERSON},
	 * {@link #OUTPUT_VERB}, {@link #NOUN}, {@link #VERB}, {@link #COMMON}, {@link #GENERAL}
	 */
	record Entry(boolean known, Set<String> lemmas, long[] senses, long[] rare, long[] broader, Set<String> antonyms,
			int flags) {

		/** Can be an adverb ("briefly"). */
		public static final int ADVERB = 1;

		/** Can be an adjective. */
		public static final int ADJECTIVE = 2;

		/** Names a language ("Spanish"): the requested language of an answer. */
		public static final int LANGUAGE = 4;

		/** Names a kind of person ("beginner", "child"): the audience of an answer. */
		public static final int PERSON = 8;

		/** A verb whose first sense is communicating or creating ("explain", "write", "summarize"). */
		public static final int OUTPUT_VERB = 16;

		/** Can be a noun. */
		public static final int NOUN = 32;

		/** Can be a verb. */
		public static final int VERB = 64;

		/** Has a meaning written in lower case: an everyday word, not only a name ("turkey", not "Paris"). */
		public static final int COMMON = 128;

		/** Its usual noun sense is one of WordNet's top concepts ("person", "thing"): it names no kind in particular. */
		public static final int GENERAL = 256;

		public Entry {
			lemmas = Set.copyOf(lemmas);
			antonyms = Set.copyOf(antonyms);
		}

		public boolean is(int flag) {
			return (this.flags & flag) != 0;
		}

		/** Whether the two words share a base form ("enabling", "enabled"). */
		public boolean sameLemma(Entry other) {
			for (String lemma : this.lemmas) {
				if (other.lemmas.contains(lemma)) {
					return true;
				}
			}
			return false;
		}

		/** Whether a usual meaning of one word is a meaning of the other. */
		public boolean synonym(Entry other) {
			return intersect(this.senses, other.senses) || intersect(this.senses, other.rare)
					|| intersect(this.rare, other.senses);
		}

		/**
		 * Whether a meaning of one word is at most two levels above a usual meaning of the other
		 * ("change", "update"), similar to it (adjectives), or the attribute it gives a value of
		 * ("tall", "height").
		 */
		public boolean broaderOrNarrower(Entry other) {
			return intersect(this.senses, other.broader) || intersect(this.broader, other.senses)
					|| intersect(this.rare, other.broader) || intersect(this.broader, other.rare);
		}

		private static boolean intersect(long[] a, long[] b) {
			int i = 0;
			int j = 0;
			while (i < a.length && j < b.length) {
				if (a[i] == b[j]) {
					return true;
				}
				if (a[i] < b[j]) {
					i++;
				}
				else {
					j++;
				}
			}
			return false;
		}

		/** Whether one word is an antonym of the other. */
		public boolean antonym(Entry other) {
			for (String lemma : other.lemmas) {
				if (this.antonyms.contains(lemma)) {
					return true;
				}
			}
			for (String lemma : this.lemmas) {
				if (other.antonyms.contains(lemma)) {
					return true;
				}
			}
			return false;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Entry entry && this.known == entry.known && this.flags == entry.flags
					&& this.lemmas.equals(entry.lemmas) && Arrays.equals(this.senses, entry.senses)
					&& Arrays.equals(this.rare, entry.rare) && Arrays.equals(this.broader, entry.broader)
					&& this.antonyms.equals(entry.antonyms);
		}

		@Override
		public int hashCode() {
			return this.lemmas.hashCode() * 31 + Arrays.hashCode(this.senses);
		}

		@Override
		public String toString() {
			return "Entry[" + this.lemmas + ", senses=" + this.senses.length + ", antonyms=" + this.antonyms + ", flags="
					+ this.flags + "]";
		}

	}

}
