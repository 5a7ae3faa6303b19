package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * Checks that two requests which embed close together also ask the same thing, so that "turn on
 * dark mode" never answers "turn off dark mode" however similar their embeddings are. Applied to
 * every candidate above the threshold before a hit is served.
 *
 * <p>The checks, in order, each a rule rather than a list of examples:
 * <ol>
 * <li>{@code number}: the same numbers (number words and ordinals read as their value, "twice" as
 * "2 times", number words in a row as one number: "twenty-five", "three hundred"; a number joined
 * to its unit as the number and the unit: "7pm", "5kg") and the same identifiers (tokens with
 * digits, underscores, dots or slashes, camelCase, capitals in a row).</li>
 * <li>{@code negation}: both negate or neither; a negating prefix counts ("unsafe" is "not safe"
 * when the lexicon says they are opposites, or "un"/"non" before a word the lexicon knows) unless
 * the other request has a synonym of the prefixed word ("unhealthy" / "bad"); "-free", "-less" and
 * "free of" negate only a thing the other request names too ("gluten-free" / "contains gluten");
 * when both negate, they negate the same thing ("do not connect" / "no sound").</li>
 * <li>{@code polarity}: no word of one request opposite to a word of the other: the rules'
 * opposite poles, and any antonym the {@link Lexicon} knows, also through a derived form; no word
 * reversed by a prefix ("like" / "dislike", "do" / "undo"); no verb with another particle ("zoom
 * in" / "zoom out"); no "less" before an adjective the other raises ("less healthy" / "healthier").</li>
 * <li>{@code direction}: the same words in swapped roles ("km to miles" / "miles to km", "is A
 * faster than B" / "is B faster than A"), unless joined by a symmetric word ("A and B"); "from X" /
 * "to X"; a person as object against the same person as subject ("give me" / "I give"); a
 * question for a verb's subject against one for its object ("who beat X" / "who did X beat").</li>
 * <li>{@code entity}: every name of one request (a capitalized word that is not a sentence-initial
 * everyday word, a listed name, an acronym) mentioned by the other, case ignored. A mention may be
 * written otherwise: joined or split ("Node.js" / "NodeJS", "macOS" / "Mac OS"), an acronym of words
 * on the other side ("GDPR" / "General Data Protection Regulation", "2FA" / "two-factor
 * authentication", also of the words a word is made of: "HTTPS" / "Hypertext Transfer Protocol
 * Secure"), an abbreviation ("TV" / "television"), a numeronym ("k8s" / "Kubernetes") or a
 * short suffix ("Postgres" / "PostgreSQL"), a short dotted suffix ("Node.js" / "Node"); a name put
 * before a name both have qualifies it ("Google Chrome" / "Chrome").</li>
 * <li>{@code facet}: the same question focus when both have a strong one (who, when, where, why,
 * "how" with an adjective: "how tall" is not "how old").</li>
 * <li>{@code form} and {@code substitution} (the alignment rule): the content words of the two
 * requests are aligned in order; where one request has words in place of others, those must be
 * synonyms or inflections of each other (or the abbreviation rule above), also when the synonym
 * stands in another place. Any other substitution
 * ("prevent" / "treat" a migraine, "short" / "detailed" email) rejects; it is reported as
 * {@code form} when it changes the requested output of a request for one (tone, length, language,
 * audience, format). A word added on one side only is harmless unless it modifies the requested
 * output (an adverb, a language, an audience) or is a noun that narrows a thing both name ("my
 * email password" / "my password"). Requests that say the same thing in another structure are not
 * substitutions and pass, as is a verb against a noun that names no role ("first walked" / "the
 * first person"). Two verbs left unaligned before the same aligned object do different things to
 * it ("cancel my reservation" / "the process for changing a reservation").</li>
 * </ol>
 * Case alone never changes a decision: a request in capitals or in lower case carries no name or
 * identifier information in its case.
 *
 * <p>Each text is analysed once and kept (up to {@value #ANALYSES} texts), so comparing a request
 * with its candidates costs an alignment of a few words.
 *
 * <p>Immutable and thread-safe.
 */
public final class SemanticGuard {

	static final int ANALYSES = 10_000;

	// A number with thousands separators (1,000,000.5) is one token; otherwise words, identifiers.
	private static final Pattern TOKEN = Pattern.compile("\\p{N}{1,3}(?:,\\p{N}{3})+(?:\\.\\p{N}+)?(?![\\p{L}\\p{N}])"
			+ "|[\\p{L}\\p{N}]+(?:['’._/\\-&][\\p{L}\\p{N}]+)*[+#]*");

	/** Closed-class words: they carry the sentence's structure, not what it asks about. */
	private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "i", "me", "my", "mine", "myself", "we",
			"us", "our", "you", "your", "yours", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
			"this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "whose", "when", "where",
			"why", "how", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done",
			"have", "has", "had", "having", "can", "could", "should", "would", "will", "shall", "may", "might", "must",
			"to", "of", "in", "on", "at", "for", "from", "by", "with", "about", "as", "into", "onto", "than", "then",
			"so", "and", "or", "but", "if", "because", "while", "whether", "also", "just", "please", "some", "any",
			"much", "many", "very", "really", "actually", "there's", "get", "got", "make", "let", "let's", "want",
			"need", "way", "possible", "able", "kindly", "hey", "hi", "hello", "thanks", "someone", "something",
			"anyone", "anything", "one", "ones", "etc", "ok", "okay", "via", "per", "like", "tell", "know", "go",
			"until", "till", "unless", "whats", "hows");

	/** Words that join two things without ordering them: "TCP and UDP" is "UDP and TCP". */
	private static final Set<String> SYMMETRIC = Set.of("and", "or", "vs", "versus", "with", "between", "&", "nor");

	/** Words that pick out a thing, not a relation between two. */
	private static final Set<String> DETERMINERS = Set.of("the", "a", "an", "my", "your", "our", "their", "its",
			"his", "her", "this", "that", "these", "those", "some", "any", "each", "every");

	/** Particles that make a phrasal verb with the verb before them ("turn on", "set up"). */
	private static final Set<String> PARTICLES = Set.of("on", "off", "up", "down", "out", "in", "back", "over",
			"away", "for");

	/** Question words that fix what kind of answer is asked for. */
	private static final Set<String> STRONG_FOCUS = Set.of("who", "whom", "whose", "when", "where", "why");

	/** Words with which an acronym's expansion may be written between its initials. */
	private static final Set<String> ACRONYM_FILLERS = Set.of("of", "and", "the", "for", "on", "in", "to", "&", "a");

	private static final Map<String, String> ORDINALS = Map.of("first", "1st", "third", "3rd", "fifth", "5th",
			"eighth", "8th", "ninth", "9th", "twelfth", "12th");

	private static final Set<String> PRONOUNS_BEFORE_IS = Set.of("what", "who", "where", "when", "why", "how", "it",
			"that", "there", "here", "he", "she", "this", "which");

	private final GuardRules rules;

	private final Lexicon lexicon;

	private final Map<String, int[]> poleWords = new HashMap<>();

	private final Map<String, List<String[]>> polePhrases = new HashMap<>();

	private final Cache<String, Text> texts;

	/** Guards with these rules and WordNet ({@link Lexicon#wordNet()}). */
	public SemanticGuard(GuardRules rules) {
		this(rules, Lexicon.wordNet());
	}

	public SemanticGuard(GuardRules rules, Lexicon lexicon) {
		this(rules, lexicon, ANALYSES);
	}

	/**
	 * @param analyses how many analysed texts are kept ({@value #ANALYSES} by default; 0 analyses
	 * every text on every comparison, for measurements)
	 */
	public SemanticGuard(GuardRules rules, Lexicon lexicon, long analyses) {
		this.rules = rules;
		this.lexicon = lexicon;
		this.texts = Caffeine.newBuilder().maximumSize(analyses).build();
		List<GuardRules.Opposite> opposites = rules.opposites();
		for (int i = 0; i < opposites.size(); i++) {
			index(opposites.get(i).positive(), i, 1);
			index(opposites.get(i).negative(), i, 2);
		}
	}

	private void index(List<String> pole, int opposite, int side) {
		for (String word : pole) {
			int[] entry = { opposite, side };
			if (word.indexOf(' ') >= 0) {
				String[] phrase = word.split(" ");
				this.polePhrases.computeIfAbsent(phrase[0], (k) -> new ArrayList<>())
					.add(Arrays.copyOf(phrase, phrase.length + 1));
				phrase = this.polePhrases.get(phrase[0]).get(this.polePhrases.get(phrase[0]).size() - 1);
				phrase[phrase.length - 1] = opposite + ":" + side;
			}
			else {
				this.poleWords.merge(word, entry, (a, b) -> {
					int[] both = Arrays.copyOf(a, a.length + 2);
					both[a.length] = b[0];
					both[a.length + 1] = b[1];
					return both;
				});
			}
		}
	}

	public static SemanticGuard defaults() {
		return new SemanticGuard(GuardRules.defaults());
	}

	public GuardRules rules() {
		return this.rules;
	}

	public Lexicon lexicon() {
		return this.lexicon;
	}

	/** Whether the two requests agree on every rule. */
	public boolean agree(String request, String cached) {
		return disagreement(request, cached) == null;
	}

	/**
	 * @return null when the requests agree, otherwise the kind of disagreement ({@code "number"},
	 * {@code "negation"}, {@code "polarity"}, {@code "direction"}, {@code "entity"}, {@code "facet"},
	 * {@code "form"} or {@code "substitution"})
	 */
	public @Nullable String disagreement(String request, String cached) {
		Text a = text(request);
		Text b = text(cached);
		if (negated(a, b) != negated(b, a)) {
			Text wholeA = unprefixed(a, b);
			b = unprefixed(b, a);
			a = wholeA;
		}
		Tok[] ta = a.tokens;
		Tok[] tb = b.tokens;
		// Tokens explained by a name written otherwise on the other side ("GDPR" and the words it abbreviates).
		boolean[] usedA = new boolean[ta.length];
		boolean[] usedB = new boolean[tb.length];
		int unmentioned = unmentioned(a, b, usedA, usedB);
		if ((unmentioned & 2) != 0 || !sameNumbers(ta, usedA, tb, usedB)) {
			return "number";
		}
		if (negated(a, b) != negated(b, a) || (a.negated && b.negated && negatesOther(a, b))) {
			return "negation";
		}
		if (opposed(a, b)) {
			return "polarity";
		}
		if (directed(a, b) || swapped(a, b) || pronounRoles(a, b) || pronounRoles(b, a)
				|| askedRoles(a, b) || askedRoles(b, a)) {
			return "direction";
		}
		if ((unmentioned & 1) != 0) {
			return "entity";
		}
		if (a.focus != null && b.focus != null && !a.focus.equals(b.focus)) {
			return "facet";
		}
		return aligned(a, usedA, b, usedB);
	}

	/**
	 * Whether {@code x} negates, beside {@code y}: a "without" ("gluten-free", "free of charge")
	 * negates only a thing {@code y} names too ("contains gluten"); otherwise it is a detail.
	 */
	private static boolean negated(Text x, Text y) {
		if (x.negated) {
			return true;
		}
		for (Tok thing : x.without) {
			if (has(y, thing)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Content words a negation reaches: the next two, within its clause; past an inverted subject
	 * ("isn't my CSS file loading") the next four.
	 */
	private static final int NEGATION_REACH = 2;

	private static final int INVERTED_NEGATION_REACH = 4;

	/** Words that start a subject put after a negated auxiliary ("doesn't my phone", "isn't it"). */
	private static final Set<String> SUBJECT_STARTS = Set.of("the", "a", "an", "my", "your", "our", "their", "his",
			"her", "its", "this", "that", "these", "those", "i", "you", "we", "they", "he", "she", "it");

	/** Words that end the clause a negation is in ("connect but there is no sound"). */
	private static final Set<String> CLAUSE_BREAKS = Set.of("but", "and", "or", "because", "although", "though",
			"while", "if", "when", "so");

	/**
	 * Both requests negate, but different things: the words one negates are none of the words the
	 * other negates, and the other has one of them without a negation ("there is no sound" / "do
	 * not connect" beside "connect"). Negation reaches a little past its word, as English puts the
	 * subject between ("doesn't my phone charge" / "my phone is not charging").
	 */
	private static boolean negatesOther(Text a, Text b) {
		boolean[] reachA = negationReach(a);
		boolean[] reachB = negationReach(b);
		for (int i = 0; i < a.tokens.length; i++) {
			if (!reachA[i]) {
				continue;
			}
			for (int j = 0; j < b.tokens.length; j++) {
				if (reachB[j] && same(a.tokens[i], b.tokens[j])) {
					return false; // one thing negated on both sides
				}
			}
		}
		return negatedElsewhere(a, reachA, b, reachB) || negatedElsewhere(b, reachB, a, reachA);
	}

	/** Whether a word {@code x} negates stands in {@code y} outside any negation. */
	private static boolean negatedElsewhere(Text x, boolean[] reachX, Text y, boolean[] reachY) {
		for (int i = 0; i < x.tokens.length; i++) {
			if (!reachX[i]) {
				continue;
			}
			for (int j = 0; j < y.tokens.length; j++) {
				if (!reachY[j] && (y.tokens[j].flags & Tok.CONTENT) != 0 && same(x.tokens[i], y.tokens[j])) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean[] negationReach(Text text) {
		Tok[] toks = text.tokens;
		boolean[] reach = new boolean[toks.length];
		for (int i = 0; i < toks.length; i++) {
			if ((toks[i].flags & Tok.NEGATION) == 0 || (toks[i].flags & Tok.WITHOUT) != 0) {
				continue;
			}
			int words = 0;
			int limit = (i + 1 < toks.length && SUBJECT_STARTS.contains(toks[i + 1].lower)) ? INVERTED_NEGATION_REACH
					: NEGATION_REACH;
			for (int k = i + 1; k < toks.length && words < limit && !CLAUSE_BREAKS.contains(toks[k].lower); k++) {
				if ((toks[k].flags & Tok.CONTENT) != 0) {
					reach[k] = true;
					words++;
				}
			}
		}
		return reach;
	}

	/**
	 * The text read without negating prefixes when each prefixed word has a synonym in the other
	 * request: "unhealthy" is not "not healthy" beside "bad", "unsafe" not beside "dangerous".
	 */
	private Text unprefixed(Text x, Text y) {
		if (x.whole == null) {
			return x;
		}
		for (Tok word : x.prefixed) {
			boolean synonym = false;
			for (Tok other : y.tokens) {
				if ((other.flags & Tok.CONTENT) != 0 && !word.entry.antonym(other.entry)
						&& (word.entry.synonym(other.entry) || word.entry.broaderOrNarrower(other.entry))) {
					synonym = true;
					break;
				}
			}
			if (!synonym) {
				return x;
			}
		}
		return x.whole;
	}

	// ---- names and identifiers

	/**
	 * Bit 1: a name of one request is not mentioned by the other; bit 2: an identifier is not. Names
	 * written otherwise ("US" / "United States") mark the tokens involved on both sides used.
	 */
	private int unmentioned(Text a, Text b, boolean[] usedA, boolean[] usedB) {
		int[] mentionA = mentions(a, b, usedA, usedB);
		int[] mentionB = mentions(b, a, usedB, usedA);
		int resultA = unmentioned(a, mentionA, usedA);
		int resultB = unmentioned(b, mentionB, usedB);
		// "Google Chrome" / "Chrome": a name put before a name both have, where the other request has no name of its own
		if (resultA == 1 && resultB == 0 && onlyQualifiers(a, mentionA, usedA)) {
			resultA = 0;
		}
		else if (resultB == 1 && resultA == 0 && onlyQualifiers(b, mentionB, usedB)) {
			resultB = 0;
		}
		return resultA | resultB;
	}

	/**
	 * Whether every unmentioned name of {@code x} qualifies the name after it, which the other request
	 * mentions ("Microsoft" in "Microsoft Teams" beside "Teams"). Not an adjective ("New York" is not
	 * "York", "South Korea" not "Korea").
	 */
	private static boolean onlyQualifiers(Text x, int[] mentions, boolean[] used) {
		for (int i = 0; i < x.tokens.length; i++) {
			Tok t = x.tokens[i];
			if ((t.flags & Tok.NAME) == 0 || mentions[i] != 0 || used[i]) {
				continue;
			}
			int next = i + 1;
			while (next < x.tokens.length && (x.tokens[next].flags & Tok.NAME) != 0 && mentions[next] == 0
					&& !used[next]) {
				next++; // "Google Play Store" / "Store" is left to the other checks: only a chain ending in a mentioned name
			}
			if (t.entry.is(Lexicon.Entry.ADJECTIVE) || next >= x.tokens.length
					|| (x.tokens[next].flags & (Tok.NAME | Tok.IDENT)) == 0
					|| (mentions[next] == 0 && !used[next])) {
				return false;
			}
		}
		return true;
	}

	private int[] mentions(Text x, Text y, boolean[] usedX, boolean[] usedY) {
		int[] mentions = new int[x.tokens.length];
		for (int i = 0; i < x.tokens.length; i++) {
			if ((x.tokens[i].flags & (Tok.NAME | Tok.IDENT)) != 0 && !usedX[i]) {
				mentions[i] = mention(x, i, y, usedX, usedY);
			}
		}
		return mentions;
	}

	private static int unmentioned(Text x, int[] mentions, boolean[] used) {
		int result = 0;
		for (int i = 0; i < x.tokens.length; i++) {
			Tok t = x.tokens[i];
			if ((t.flags & (Tok.NAME | Tok.IDENT)) != 0 && mentions[i] == 0 && !used[i]) {
				result |= ((t.flags & Tok.IDENT) != 0) ? 2 : 1;
			}
		}
		return result;
	}

	/**
	 * 0: not mentioned; 1: the same word; 2: written otherwise, and the tokens involved on both sides
	 * are marked used (they are one name, not words to align).
	 */
	private int mention(Text x, int i, Text y, boolean[] usedX, boolean[] usedY) {
		Tok t = x.tokens[i];
		for (Tok other : y.tokens) {
			if (other.lower.equals(t.lower) || (!t.squashed.isEmpty() && other.squashed.equals(t.squashed))) {
				return 1;
			}
		}
		for (int j = 0; j < y.tokens.length; j++) {
			Tok other = y.tokens[j];
			if (other.squashed.equals(t.dottedBase) || t.squashed.equals(other.dottedBase)) {
				usedX[i] = true;
				usedY[j] = true;
				return 2;
			}
		}
		// Written joined or split: "Node.js" / "NodeJS", "Mac OS" / "macOS".
		for (int from = Math.max(0, i - 2); from <= i; from++) {
			StringBuilder joined = new StringBuilder();
			for (int to = from; to < Math.min(x.tokens.length, from + 3); to++) {
				joined.append(x.tokens[to].squashed);
				if (to >= i && to > from && y.grams.contains(joined.toString())) {
					for (int k = from; k <= to; k++) {
						usedX[k] = true;
					}
					markGram(y, joined.toString(), usedY);
					return 2;
				}
			}
		}
		if (expands(t, y, usedY)) {
			usedX[i] = true;
			return 2;
		}
		return 0;
	}

	/**
	 * A name with a short dotted suffix without it ("Node.js": node, "Socket.IO": socket): the suffix
	 * says what kind of thing the name is, the name alone says which. Null for any other token.
	 */
	static @Nullable String dottedBase(String lower) {
		int dot = lower.lastIndexOf('.');
		if (dot < 3 || lower.length() - dot - 1 > 3 || lower.length() - dot - 1 < 1
				|| !isLetters(lower.substring(dot + 1)) || lower.indexOf('.') != dot) {
			return null;
		}
		String base = lower.substring(0, dot);
		return isLetters(base) ? base : null;
	}

	private static void markGram(Text y, String gram, boolean[] usedY) {
		for (int from = 0; from < y.tokens.length; from++) {
			StringBuilder joined = new StringBuilder();
			for (int to = from; to < Math.min(y.tokens.length, from + 3); to++) {
				joined.append(y.tokens[to].squashed);
				if (joined.toString().equals(gram)) {
					for (int k = from; k <= to; k++) {
						usedY[k] = true;
					}
					return;
				}
			}
		}
	}

	/** An acronym, abbreviation, numeronym or short-suffix variant of words of {@code y}. */
	private boolean expands(Tok t, Text y, boolean[] usedY) {
		String letters = t.squashed;
		boolean acronymLike = t.upper || hasDigit(letters) || (y.caseless && letters.length() <= 5);
		if (t.lower.indexOf('/') > 0 && acronymLike) {
			for (String part : t.lower.split("/")) {
				if (!acronym(part, y, usedY)) {
					return false;
				}
			}
			return true;
		}
		if (acronymLike && letters.length() >= 2 && letters.length() <= 8 && acronym(letters, y, usedY)) {
			return true;
		}
		Matcher numeronym = NUMERONYM.matcher(letters);
		boolean isNumeronym = numeronym.matches();
		for (int j = 0; j < y.tokens.length; j++) {
			Tok w = y.tokens[j];
			if ((w.flags & Tok.FUNCTION) != 0 || usedY[j]) {
				continue;
			}
			String word = w.squashed;
			if (t.upper && letters.length() <= 4 && isLetters(letters) && word.length() > letters.length() + 1
					&& subsequence(letters, word)) {
				usedY[j] = true; // "TV" / "television", "ID" / "identifier", "JS" / "javascript"
				return true;
			}
			if (variant(letters, word) || variant(word, letters)) {
				usedY[j] = true; // "postgres" / "postgresql"
				return true;
			}
			if (isNumeronym && word.length() > 3 && word.charAt(0) == letters.charAt(0)
					&& word.endsWith(numeronym.group(2))
					&& word.length() == 1 + Integer.parseInt(numeronym.group(1)) + numeronym.group(2).length()) {
				usedY[j] = true; // "k8s" / "kubernetes"
				return true;
			}
		}
		return false;
	}

	/** A name and the same name with up to three more letters ("postgres", "postgresql"). */
	private static boolean variant(String shorter, String longer) {
		return shorter.length() >= 5 && longer.length() > shorter.length() && longer.length() - shorter.length() <= 3
				&& longer.startsWith(shorter);
	}

	private static final Pattern NUMERONYM = Pattern.compile("[a-z](\\d{1,2})([a-z]{1,2})");

	private static boolean isLetters(String s) {
		for (int i = 0; i < s.length(); i++) {
			if (!Character.isLetter(s.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/** Whether {@code short} starts {@code word} and its letters come in order in it. */
	private static boolean subsequence(String abbreviation, String word) {
		if (word.charAt(0) != abbreviation.charAt(0)) {
			return false;
		}
		int k = 1;
		for (int i = 1; i < word.length() && k < abbreviation.length(); i++) {
			if (word.charAt(i) == abbreviation.charAt(k)) {
				k++;
			}
		}
		return k == abbreviation.length();
	}

	/** Initials (digits: number words) of consecutive words of {@code y}, fillers allowed between. */
	private boolean acronym(String letters, Text y, boolean[] usedY) {
		return acronym(letters, y, usedY, false) || acronym(letters, y, usedY, true);
	}

	/** @param subWords whether a word may give the initials of the words it is made of ("Hypertext") */
	private boolean acronym(String letters, Text y, boolean[] usedY, boolean subWords) {
		for (int start = 0; start < y.tokens.length; start++) {
			int k = 0;
			int j = start;
			int words = 0;
			while (j < y.tokens.length && k < letters.length()) {
				Tok w = y.tokens[j];
				char c = letters.charAt(k);
				String initials = w.initials;
				if (Character.isDigit(c)) {
					int end = k;
					while (end < letters.length() && Character.isDigit(letters.charAt(end))) {
						end++;
					}
					if (letters.substring(k, end).equals(w.value)) {
						k = end;
						words++;
						j++;
						continue;
					}
				}
				else if (words == 0 && (w.flags & Tok.CONTENT) == 0 && letters.length() < 3) {
					break; // "MS" is not "my screen": a short expansion starts with a content word ("ASAP" may not)
				}
				else if (!initials.isEmpty() && letters.startsWith(initials, k) && initial(w)) {
					k = (subWords && initials.length() == 1) ? subWords(w.lower, letters, k + 1) : k + initials.length();
					words++;
					j++;
					continue;
				}
				else if (!initials.isEmpty() && initials.charAt(0) == c && initial(w)) {
					k = subWords ? subWords(w.lower, letters, k + 1) : k + 1;
					words++;
					j++;
					continue;
				}
				if (words > 0 && ACRONYM_FILLERS.contains(w.lower)) {
					j++;
					continue;
				}
				break;
			}
			if (k == letters.length() && words >= 2) {
				for (int u = start; u < j; u++) {
					usedY[u] = true;
				}
				return true;
			}
		}
		return false;
	}

	/** A word that gives its initial: a word of two letters or more, or a capital alone ("John F. Kennedy"). */
	private static boolean initial(Tok w) {
		return w.lower.length() > 1 || Character.isUpperCase(w.original.charAt(0));
	}

	/**
	 * Past the first letter of a word, the acronym's next letters may start words the word is made
	 * of ("Hypertext": h and t of HTTPS, "database": d and b): a letter of the word from which the
	 * rest is a word the lexicon knows, of three letters or more.
	 * @return the position in {@code letters} after the letters this word gives
	 */
	private int subWords(String word, String letters, int k) {
		int from = 2;
		while (k < letters.length()) {
			int found = -1;
			for (int i = from; i <= word.length() - 3; i++) {
				if (word.charAt(i) == letters.charAt(k) && isLetters(word.substring(i))
						&& this.lexicon.lookup(word.substring(i)).known()) {
					found = i;
					break;
				}
			}
			if (found < 0) {
				return k;
			}
			k++;
			from = found + 2;
		}
		return k;
	}

	// ---- numbers

	/** The same numbers; the word "one" alone may stand for "a" ("one week" / "a week"). */
	private static boolean sameNumbers(Tok[] a, boolean[] usedA, Tok[] b, boolean[] usedB) {
		Set<String> na = numbers(a, usedA, false);
		Set<String> nb = numbers(b, usedB, false);
		if (na.equals(nb)) {
			return true;
		}
		Set<String> withoutA = numbers(a, usedA, true);
		Set<String> withoutB = numbers(b, usedB, true);
		return withoutA.equals(nb) || na.equals(withoutB) || withoutA.equals(withoutB);
	}

	private static Set<String> numbers(Tok[] tokens, boolean[] used, boolean withoutOne) {
		Set<String> numbers = null;
		for (int i = 0; i < tokens.length; i++) {
			boolean one = withoutOne && tokens[i].lower.equals("one") && "1".equals(tokens[i].value);
			if (tokens[i].value != null && !used[i] && !one) {
				if (numbers == null) {
					numbers = new HashSet<>(4);
				}
				numbers.add(tokens[i].value);
			}
		}
		return (numbers != null) ? numbers : Set.of();
	}

	// ---- polarity

	private boolean opposed(Text a, Text b) {
		for (int i = 0; i < a.poles.length; i++) {
			int pa = a.poles[i];
			int pb = b.poles[i];
			if (pa != 0 && pb != 0 && pa != pb) {
				return true;
			}
		}
		for (Tok x : a.tokens) {
			if ((x.flags & Tok.CONTENT) == 0 || x.entry.antonyms().isEmpty()) {
				continue;
			}
			for (Tok y : b.tokens) {
				if ((y.flags & Tok.CONTENT) != 0 && x.entry.antonym(y.entry) && !has(a, y) && !has(b, x)) {
					return true;
				}
			}
		}
		return reversedByPrefix(a, b) || reversedByPrefix(b, a) || otherParticle(a, b) || lessOf(a, b) || lessOf(b, a);
	}

	/**
	 * "less healthy" beside "healthier" or "more healthy": the comparative's opposite, whatever the
	 * adjective. An adjective after "less" that the other request raises instead.
	 */
	private static boolean lessOf(Text x, Text y) {
		for (int i = 0; i + 1 < x.tokens.length; i++) {
			if (!x.tokens[i].lower.equals("less")) {
				continue;
			}
			Tok adjective = x.tokens[i + 1];
			if ((adjective.flags & Tok.CONTENT) == 0 || !adjective.entry.is(Lexicon.Entry.ADJECTIVE)) {
				continue;
			}
			for (int j = 0; j < y.tokens.length; j++) {
				Tok other = y.tokens[j];
				if (!same(adjective, other) || (j > 0 && y.tokens[j - 1].lower.equals("less"))) {
					continue;
				}
				boolean comparative = !other.lower.equals(adjective.lower) && other.lower.endsWith("er");
				if (comparative || (j > 0 && y.tokens[j - 1].lower.equals("more"))) {
					return true;
				}
			}
		}
		return false;
	}

	/** Whether two phrasal verbs share a meaning that is not one of the verb or particles alone. */
	private static boolean phrasalSynonyms(Lexicon.Entry x, Lexicon.Entry y, Lexicon.Entry verb, Lexicon.Entry p1,
			Lexicon.Entry p2) {
		for (long sense : x.senses()) {
			if (contains(y.senses(), sense) && !contains(verb.senses(), sense) && !contains(verb.rare(), sense)
					&& !contains(p1.senses(), sense) && !contains(p2.senses(), sense)) {
				return true;
			}
		}
		return false;
	}

	private static boolean contains(long[] sorted, long value) {
		return Arrays.binarySearch(sorted, value) >= 0;
	}

	/**
	 * The same verb with another particle ("zoom in" / "zoom out", "check in" / "check out") is
	 * another phrasal verb, unless the lexicon calls the two synonyms ("fill in" / "fill out").
	 */
	private boolean otherParticle(Text a, Text b) {
		for (int i = 0; i + 1 < a.tokens.length; i++) {
			Tok verb = a.tokens[i];
			String particle = a.tokens[i + 1].lower;
			if (!phrasalVerb(a.tokens, i) || !PARTICLES.contains(particle)) {
				continue;
			}
			for (int j = 0; j + 1 < b.tokens.length; j++) {
				Tok other = b.tokens[j];
				String otherParticle = b.tokens[j + 1].lower;
				if (PARTICLES.contains(otherParticle) && !otherParticle.equals(particle) && same(verb, other)
						&& phrasalVerb(b.tokens, j) && !hasPhrase(a, verb, otherParticle)
						&& !hasPhrase(b, verb, particle)) {
					Lexicon.Entry x = this.lexicon.lookup(verb.lower + " " + particle);
					Lexicon.Entry y = this.lexicon.lookup(other.lower + " " + otherParticle);
					if (!phrasalSynonyms(x, y, verb.entry, a.tokens[i + 1].entry, b.tokens[j + 1].entry)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Whether the word at {@code i} can start a phrasal verb: a content word the lexicon knows as a
	 * verb, not after a determiner ("my PIN for the app" is a noun and a preposition) unless joined to
	 * its particle by a hyphen ("the check-out time").
	 */
	private static boolean phrasalVerb(Tok[] tokens, int i) {
		Tok verb = tokens[i];
		return (verb.flags & Tok.CONTENT) != 0 && verb.entry.is(Lexicon.Entry.VERB)
				&& (i == 0 || !DETERMINERS.contains(tokens[i - 1].lower) || (verb.flags & Tok.HYPHENATED) != 0);
	}

	/** Whether the text has the verb (any inflection) followed by this particle ("zoom in" in "zoom in on Acrobat"). */
	private static boolean hasPhrase(Text text, Tok verb, String particle) {
		for (int k = 0; k + 1 < text.tokens.length; k++) {
			if (text.tokens[k + 1].lower.equals(particle) && same(verb, text.tokens[k])) {
				return true;
			}
		}
		return false;
	}

	private static final String[] REVERSING_PREFIXES = { "un", "dis", "non", "de", "in", "im", "il", "ir" };

	/**
	 * A word of {@code x} that is a word of {@code y} with a reversing prefix, where {@code y} has it
	 * more often than {@code x} ("dislike" / "like", "undo" / "do"): also when the word itself is a
	 * function word, which the other checks do not compare. A prefixed word the lexicon knows
	 * counts only as an antonym or before a function word ("inform" is not "in" + "form").
	 */
	private static boolean reversedByPrefix(Text x, Text y) {
		for (Tok t : x.tokens) {
			if ((t.flags & Tok.CONTENT) == 0 || y.words.contains(t.lower)) {
				continue;
			}
			for (String prefix : REVERSING_PREFIXES) {
				if (t.lower.length() >= prefix.length() + 2 && t.lower.startsWith(prefix)) {
					String stem = t.lower.substring(prefix.length());
					int first = first(y.tokens, stem);
					if (first < 0 || count(y, stem) <= count(x, stem)) {
						continue;
					}
					// "unit" is not "un" + "it", nor "intake" "in" + "take": only a word the lexicon does
					// not know, an antonym, or a function word reversed ("dislike", "undo")
					Tok other = y.tokens[first];
					if ((other.flags & Tok.FUNCTION) != 0 && stem.length() >= 2 || !t.entry.known()
							|| t.entry.antonym(other.entry)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static int count(Text text, String word) {
		int n = 0;
		for (Tok t : text.tokens) {
			if (t.lower.equals(word)) {
				n++;
			}
		}
		return n;
	}

	private static boolean has(Text text, Tok word) {
		for (Tok t : text.tokens) {
			if (t.lower.equals(word.lower) || ((t.flags & Tok.CONTENT) != 0 && sameLemma(t, word))) {
				return true;
			}
		}
		return false;
	}

	// ---- direction

	/** The rules' direction words ("to", "than") followed by words the other request has elsewhere. */
	private boolean directed(Text a, Text b) {
		if (source(a, b) || source(b, a)) {
			return true;
		}
		for (Map.Entry<String, Set<String>> direction : a.directed.entrySet()) {
			Set<String> other = b.directed.get(direction.getKey());
			if (other != null && crosses(direction.getValue(), other, b) && crosses(other, direction.getValue(), a)) {
				return true;
			}
		}
		return false;
	}

	/** Where a thing comes from on one side is where it goes on the other ("from German" / "into German"). */
	private static boolean source(Text x, Text y) {
		Set<String> from = x.directed.get("from");
		if (from == null) {
			return false;
		}
		for (String goal : new String[] { "to", "into" }) {
			Set<String> other = y.directed.get(goal);
			Set<String> own = x.directed.get(goal);
			if (other == null) {
				continue;
			}
			for (String word : from) {
				if (other.contains(word) && (own == null || !own.contains(word))
						&& !y.directed.getOrDefault("from", Set.of()).contains(word)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean crosses(Set<String> targets, Set<String> otherTargets, Text other) {
		for (String target : targets) {
			if (!otherTargets.contains(target) && other.words.contains(target)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Two content words in one order in {@code a} and the other in {@code b}, with a word in common
	 * between them on both sides that does not join symmetrically ("euros is 100 dollars").
	 */
	private static boolean swapped(Text a, Text b) {
		Tok[] ta = a.tokens;
		Tok[] tb = b.tokens;
		for (int i = 0; i < ta.length; i++) {
			if ((ta[i].flags & Tok.CONTENT) == 0) {
				continue;
			}
			int bi = firstSame(tb, ta[i]);
			if (bi < 0) {
				continue;
			}
			for (int j = i + 1; j < ta.length; j++) {
				if ((ta[j].flags & Tok.CONTENT) == 0 || same(ta[j], ta[i])) {
					continue;
				}
				int bj = firstSame(tb, ta[j]);
				if (bj < 0 || bj >= bi || firstSame(ta, ta[j]) != j) {
					continue;
				}
				if (sharedRelation(ta, i, j, tb, bj, bi)) {
					return true;
				}
			}
		}
		return false;
	}

	/** The first token that is the word in any inflection ("cups" / "cup"). */
	private static int firstSame(Tok[] tokens, Tok word) {
		for (int i = 0; i < tokens.length; i++) {
			if (same(tokens[i], word)) {
				return i;
			}
		}
		return -1;
	}

	/** A personal pronoun as object, and the same person as subject. */
	private static final Map<String, String> SUBJECT_OF = Map.of("me", "i", "us", "we", "him", "he", "them", "they");

	/** Words that may stand between a subject and its verb ("I can give", "I don't give"). */
	private static final Set<String> AUXILIARIES = Set.of("can", "could", "will", "would", "should", "shall", "may",
			"might", "must", "do", "does", "did", "not", "to");

	/**
	 * The same verb with a person as its object in {@code x} ("my dog give me a cold") and as its
	 * subject in {@code y} ("I give my dog a cold"): who does what to whom is swapped.
	 */
	private static boolean pronounRoles(Text x, Text y) {
		for (int i = 0; i + 1 < x.tokens.length; i++) {
			Tok verb = x.tokens[i];
			String subject = SUBJECT_OF.get(x.tokens[i + 1].lower);
			if (subject == null || (verb.flags & Tok.CONTENT) == 0 || !verb.entry.is(Lexicon.Entry.VERB)) {
				continue;
			}
			int j = firstSame(y.tokens, verb);
			if (j < 0 || hasPhrase(y, verb, x.tokens[i + 1].lower) || subjectBefore(x.tokens, i, subject)) {
				continue;
			}
			if (subjectBefore(y.tokens, j, subject)) {
				return true;
			}
		}
		return false;
	}

	private static boolean subjectBefore(Tok[] tokens, int verb, String subject) {
		for (int k = verb - 1; k >= 0; k--) {
			if (tokens[k].lower.equals(subject)) {
				return true;
			}
			if (!AUXILIARIES.contains(tokens[k].lower)) {
				return false;
			}
		}
		return false;
	}

	private static final Set<String> ASKING = Set.of("who", "what", "which");

	private static final Set<String> DO_FORMS = Set.of("do", "does", "did");

	/**
	 * "Who beat Federer?" asks for the subject of "beat", "Who did Federer beat?" for its object:
	 * the question word before the verb in {@code x}, and before "did" with a subject between it and
	 * the same verb in {@code y}.
	 */
	private static boolean askedRoles(Text x, Text y) {
		for (int i = 0; i + 1 < x.tokens.length; i++) {
			Tok verb = x.tokens[i + 1];
			if (!ASKING.contains(x.tokens[i].lower) || (verb.flags & Tok.CONTENT) == 0
					|| !verb.entry.is(Lexicon.Entry.VERB)) {
				continue;
			}
			for (int j = 0; j + 2 < y.tokens.length; j++) {
				if (!y.tokens[j].lower.equals(x.tokens[i].lower) || !DO_FORMS.contains(y.tokens[j + 1].lower)) {
					continue;
				}
				boolean subject = false;
				for (int k = j + 2; k < y.tokens.length; k++) {
					if (same(y.tokens[k], verb)) {
						if (subject) {
							return true;
						}
						break;
					}
					subject |= (y.tokens[k].flags & Tok.CONTENT) != 0;
				}
			}
		}
		return false;
	}

	/** A word that can relate two things: a function word, or a content word that is neither a name nor a noun (nor a noun and a verb: "water"). */
	private static boolean relation(Tok t) {
		if ((t.flags & Tok.FUNCTION) != 0) {
			return true;
		}
		Lexicon.Entry e = t.entry;
		return (t.flags & (Tok.NAME | Tok.IDENT)) == 0 && (!e.is(Lexicon.Entry.NOUN) || e.is(Lexicon.Entry.ADJECTIVE)
				|| e.is(Lexicon.Entry.ADVERB));
	}

	private static int first(Tok[] tokens, String lower) {
		for (int i = 0; i < tokens.length; i++) {
			if (tokens[i].lower.equals(lower)) {
				return i;
			}
		}
		return -1;
	}

	private static boolean sharedRelation(Tok[] a, int fromA, int toA, Tok[] b, int fromB, int toB) {
		boolean shared = false;
		for (int i = fromA + 1; i < toA; i++) {
			if (SYMMETRIC.contains(a[i].lower)) {
				return false;
			}
			for (int j = fromB + 1; j < toB; j++) {
				if (SYMMETRIC.contains(b[j].lower)) {
					return false;
				}
				// a name or a noun between is a thing of its own, not the relation ("version of Python I
				// installed", "the freezing point of water" / "does water freeze")
				if (a[i].lower.equals(b[j].lower) && a[i].value == null && !DETERMINERS.contains(a[i].lower)
						&& relation(a[i])) {
					shared = true;
				}
			}
		}
		return shared;
	}

	// ---- alignment

	private @Nullable String aligned(Text a, boolean[] usedA, Text b, boolean[] usedB) {
		int[] ca = content(a, usedA);
		int[] cb = content(b, usedB);
		int n = ca.length;
		int m = cb.length;
		int[] lcs = new int[(n + 1) * (m + 1)];
		for (int i = n - 1; i >= 0; i--) {
			for (int j = m - 1; j >= 0; j--) {
				lcs[i * (m + 1) + j] = same(a.tokens[ca[i]], b.tokens[cb[j]]) ? 1 + lcs[(i + 1) * (m + 1) + j + 1]
						: Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
			}
		}
		// Which content words are aligned, and in which gap between aligned words the others are.
		boolean[] matchedA = new boolean[n];
		boolean[] matchedB = new boolean[m];
		int[] gapOfA = new int[n];
		int[] gapOfB = new int[m];
		int gap = 0;
		int i = 0;
		int j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && same(a.tokens[ca[i]], b.tokens[cb[j]])
					&& lcs[i * (m + 1) + j] == 1 + lcs[(i + 1) * (m + 1) + j + 1]) {
				matchedA[i++] = true;
				matchedB[j++] = true;
				gap++;
			}
			else if (j >= m || (i < n && lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
				gapOfA[i++] = gap;
			}
			else {
				gapOfB[j++] = gap;
			}
		}
		boolean output = a.output || b.output;
		List<List<Tok>> onlyA = new ArrayList<>(gap + 1);
		List<List<Tok>> onlyB = new ArrayList<>(gap + 1);
		for (int g = 0; g <= gap; g++) {
			onlyA.add(rest(a, ca, matchedA, gapOfA, g, b, cb, matchedB));
			onlyB.add(rest(b, cb, matchedB, gapOfB, g, a, ca, matchedA));
			pair(onlyA.get(g), onlyB.get(g));
		}
		// A word replaced by a synonym in another place ("maximum size" / "how large") is no change either.
		for (int g = 0; g <= gap; g++) {
			for (int h = 0; h <= gap; h++) {
				if (g != h) {
					pair(onlyA.get(g), onlyB.get(h));
				}
			}
		}
		String verdict = null;
		for (int g = 0; g <= gap; g++) {
			if (onlyA.get(g).isEmpty() && onlyB.get(g).isEmpty()) {
				continue;
			}
			String found = gap(a, onlyA.get(g), b, onlyB.get(g), output, lcs[0] == 0);
			if (found == null && (narrows(a, onlyA.get(g), ca, matchedA) || narrows(b, onlyB.get(g), cb, matchedB)
					|| (actsOn(a, onlyA.get(g), ca, matchedA) != null && actsOn(b, onlyB.get(g), cb, matchedB) != null))) {
				found = "substitution";
			}
			if (found != null && (verdict == null || found.equals("form"))) {
				verdict = found;
			}
		}
		return verdict;
	}

	/**
	 * An added noun that narrows a thing both requests name: in a noun phrase, between its
	 * determiner and its noun, and that noun is aligned with the other request ("reset my email
	 * password" / "reset my password": another password). Adjectives are left to the other rules:
	 * many only restate the noun ("a new branch").
	 */
	private static boolean narrows(Text text, List<Tok> added, int[] content, boolean[] matched) {
		for (Tok t : added) {
			if (!nounModifier(t) || t.index == 0 || !DETERMINERS.contains(text.tokens[t.index - 1].lower)) {
				continue;
			}
			for (int i = t.index + 1; i < text.tokens.length; i++) {
				Tok next = text.tokens[i];
				if (added.contains(next) && nounModifier(next)) {
					continue;
				}
				int k = Arrays.binarySearch(content, i);
				if (k >= 0 && matched[k] && next.entry.is(Lexicon.Entry.NOUN)) {

					return true;
				}
				break;
			}
		}
		return false;
	}

	/**
	 * A verb left unaligned whose object is the next aligned word: a verb then a determiner, then
	 * that word ("cancel my hotel reservation"). When both requests have one in the same gap, they
	 * do different things to the same object ("cancel" / "the process for changing a reservation"),
	 * however the rest of the sentence is built.
	 */
	private static @Nullable Tok actsOn(Text text, List<Tok> left, int[] content, boolean[] matched) {
		for (Tok verb : left) {
			if (!verb.entry.is(Lexicon.Entry.VERB) || verb.index + 1 >= text.tokens.length
					|| !DETERMINERS.contains(text.tokens[verb.index + 1].lower)) {
				continue;
			}
			for (int i = verb.index + 2; i < text.tokens.length; i++) {
				if ((text.tokens[i].flags & Tok.CONTENT) == 0) {
					continue;
				}
				int k = Arrays.binarySearch(content, i);
				if (k >= 0 && matched[k]) {
					return verb;
				}
				break;
			}
		}
		return null;
	}

	private static boolean nounModifier(Tok t) {
		Lexicon.Entry e = t.entry;
		return e.is(Lexicon.Entry.NOUN) && !e.is(Lexicon.Entry.ADJECTIVE) && !e.is(Lexicon.Entry.ADVERB)
				&& (t.flags & Tok.NAME) == 0;
	}

	/** Words that begin alike: a word and one made from it ("diagnose", "diagnosis"; "apply", "application"). */
	private static boolean sameStem(Tok x, Tok y) {
		for (String lx : x.entry.lemmas()) {
			for (String ly : y.entry.lemmas()) {
				int n = 0;
				while (n < lx.length() && n < ly.length() && lx.charAt(n) == ly.charAt(n)) {
					n++;
				}
				if (n >= 4 && n >= Math.min(lx.length(), ly.length()) - 2) {
					return true;
				}
			}
		}
		return false;
	}

	/** Removes the pairs of interchangeable words (synonyms, inflections...) from the two lists. */
	private void pair(List<Tok> onlyA, List<Tok> onlyB) {
		for (int x = onlyA.size() - 1; x >= 0; x--) {
			for (int y = onlyB.size() - 1; y >= 0; y--) {
				if (interchangeable(onlyA.get(x), onlyB.get(y))) {
					onlyA.remove(x);
					onlyB.remove(y);
					break;
				}
			}
		}
	}

	/** Verdict on the words of both requests left in one gap of the alignment (between the same aligned words). */
	private @Nullable String gap(Text a, List<Tok> onlyA, Text b, List<Tok> onlyB, boolean output, boolean disjoint) {
		if (output && (addedForm(a, onlyA) || addedForm(b, onlyB))) {
			return "form";
		}
		if (onlyA.isEmpty() || onlyB.isEmpty()) {
			return null; // words added on one side: detail, not another request
		}
		// As many words on each side in one phrase ("report a lost" / "activate a new"): word for word
		// replaced, not the sentence said another way ("summarize" / "give me a summary")
		boolean loose = onlyA.size() == onlyB.size();
		if (units(a, onlyA, loose) == 1 && units(b, onlyB, loose) == 1) {
			if (output && (modifier(a, onlyA.get(0)) || modifier(b, onlyB.get(0)))) {
				return "form";
			}
			return (restructured(onlyA, onlyB) && !asksHow(a) && !asksHow(b)) ? null : "substitution";
		}
		// Nothing in common at all: not a paraphrase of the same request.
		return disjoint ? "substitution" : null;
	}

	/**
	 * Whether one run can only be a verb and the other cannot be one and names no role of its own
	 * ("walked" / "person", "invented" / "inventor"): the sentence said another way, not one word
	 * swapped for another. Not in a "how" question (see {@link #asksHow}).
	 */
	private static boolean restructured(List<Tok> x, List<Tok> y) {
		return (verbOnly(x) && !verb(y) && namesNoRole(y, x)) || (verbOnly(y) && !verb(x) && namesNoRole(x, y));
	}

	/**
	 * Nouns that add nothing to the verbs they stand against: one of WordNet's most general nouns
	 * ("the first person" / "first walked") or one made from the verb ("the inventor" / "invented").
	 * Any other noun names a role of its own ("the owner" is not who "founded").
	 */
	private static boolean namesNoRole(List<Tok> nouns, List<Tok> verbs) {
		for (Tok noun : nouns) {
			boolean made = false;
			for (Tok verb : verbs) {
				made |= sameStem(verb, noun);
			}
			if (!made && !noun.entry.is(Lexicon.Entry.GENERAL)) {
				return false;
			}
		}
		return true;
	}

	/** "How do I apply?" asks about its verb: a noun in its place ("the requirements") is another facet. */
	private static boolean asksHow(Text text) {
		return text.focus != null && text.focus.startsWith("how");
	}

	private static boolean verbOnly(List<Tok> words) {
		for (Tok t : words) {
			Lexicon.Entry e = t.entry;
			if (!e.known() || !e.is(Lexicon.Entry.VERB) || e.is(Lexicon.Entry.NOUN) || e.is(Lexicon.Entry.ADJECTIVE)) {
				return false;
			}
		}
		return true;
	}

	private static boolean verb(List<Tok> words) {
		for (Tok t : words) {
			if (!t.entry.known() || t.entry.is(Lexicon.Entry.VERB)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Adjacent words count as one ("New York", "email address"); with {@code loose}, also with
	 * function words only between them ("report a lost", "check-in time").
	 */
	private static int units(Text text, List<Tok> words, boolean loose) {
		int units = 0;
		Tok previous = null;
		for (Tok t : words) {
			if (previous == null || (loose ? !onlyFunctionWordsBetween(text, previous.index, t.index)
					: previous.index + 1 != t.index)) {
				units++;
			}
			previous = t;
		}
		return units;
	}

	private static boolean onlyFunctionWordsBetween(Text text, int from, int to) {
		for (int k = from + 1; k < to; k++) {
			if ((text.tokens[k].flags & Tok.FUNCTION) == 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Unaligned content words of gap {@code g} of {@code x} that the other request does not have
	 * unaligned elsewhere (a word that only moved is no change).
	 */
	private static List<Tok> rest(Text x, int[] content, boolean[] matched, int[] gapOf, int g, Text other,
			int[] otherContent, boolean[] otherMatched) {
		List<Tok> rest = new ArrayList<>(2);
		for (int k = 0; k < content.length; k++) {
			if (matched[k] || gapOf[k] != g) {
				continue;
			}
			Tok t = x.tokens[content[k]];
			boolean moved = false;
			for (int o = 0; o < otherContent.length && !moved; o++) {
				moved = !otherMatched[o] && same(t, other.tokens[otherContent[o]]);
			}
			if (!moved) {
				rest.add(t);
			}
		}
		return rest;
	}

	private boolean interchangeable(Tok x, Tok y) {
		if (x.pole >= 0 && x.pole == y.pole) {
			return true; // one pole of the rules: "turn on", "enable"
		}
		if (x.entry.synonym(y.entry)) {
			return true;
		}
		// "misalign" is a kind of "align", "overcook" of "cook": the prefix is what the request changes
		if (x.entry.broaderOrNarrower(y.entry) && !prefixedForm(x, y) && !prefixedForm(y, x)) {
			return true;
		}
		if (x.phrasal != null && (x.phrasal.synonym(y.entry) || x.phrasal.broaderOrNarrower(y.entry))) {
			return true;
		}
		if (y.phrasal != null && (y.phrasal.synonym(x.entry) || y.phrasal.broaderOrNarrower(x.entry))) {
			return true;
		}
		if (truncated(x, y) || truncated(y, x) || unit(x, y) || unit(y, x) || initialOf(x, y) || initialOf(y, x)) {
			return true;
		}
		Integer gx = this.rules.synonyms().get(x.lower);
		return gx != null && gx.equals(this.rules.synonyms().get(y.lower));
	}

	/** Whether {@code x} is {@code y} with a prefix ("misaligned" / "aligned", "overcooked" / "cooked"). */
	private static boolean prefixedForm(Tok x, Tok y) {
		for (String lx : x.entry.lemmas()) {
			for (String ly : y.entry.lemmas()) {
				if (ly.length() >= 3 && lx.length() >= ly.length() + 2 && lx.endsWith(ly)) {
					return true;
				}
			}
		}
		return false;
	}

	/** A unit abbreviated after a number and written out ("5 km" / "five kilometers", "10k" / "ten kilometer"). */
	private static boolean unit(Tok abbreviation, Tok word) {
		return (abbreviation.flags & Tok.UNIT) != 0 && word.lower.length() > abbreviation.lower.length() + 1
				&& subsequence(abbreviation.lower, word.lower);
	}

	/** "e-bike" / "electric bike", "e-mail" / "electronic mail": a letter before a hyphen and a word it is the initial of. */
	private static boolean initialOf(Tok letter, Tok word) {
		return (letter.flags & Tok.INITIAL_LETTER) != 0 && word.lower.length() >= 4
				&& word.lower.charAt(0) == letter.lower.charAt(0);
	}

	/** "dicts" / "dictionaries", "repo" / "repository": a clipped word the lexicon does not know. */
	private static boolean truncated(Tok shorter, Tok longer) {
		String clipped = shorter.lower.endsWith("s") ? shorter.lower.substring(0, shorter.lower.length() - 1)
				: shorter.lower;
		return clipped.length() >= 3 && longer.lower.length() > clipped.length() + 1
				&& longer.lower.startsWith(clipped) && !shorter.entry.known();
	}

	/** An added word that modifies the requested output: manner, language, audience. */
	private static boolean addedForm(Text text, List<Tok> words) {
		for (Tok t : words) {
			Lexicon.Entry e = t.entry;
			if (e.is(Lexicon.Entry.ADVERB) && !e.is(Lexicon.Entry.ADJECTIVE) && !e.is(Lexicon.Entry.NOUN)
					&& !e.is(Lexicon.Entry.VERB)) {
				return true; // "briefly", "simply"
			}
			String before = previousWord(text, t.index);
			if (e.is(Lexicon.Entry.LANGUAGE) && ("in".equals(before) || "into".equals(before))) {
				return true;
			}
			if (e.is(Lexicon.Entry.PERSON) && ("to".equals(before) || "for".equals(before))) {
				return true;
			}
		}
		return false;
	}

	/** The word before a token, articles skipped. */
	private static @Nullable String previousWord(Text text, int index) {
		for (int k = index - 1; k >= 0; k--) {
			String word = text.tokens[k].lower;
			if (!word.equals("a") && !word.equals("an") && !word.equals("the")) {
				return word;
			}
		}
		return null;
	}

	/** A word that can describe how an output is written: tone, length, language, audience. */
	private static boolean modifier(Text text, Tok t) {
		Lexicon.Entry e = t.entry;
		String before = previousWord(text, t.index);
		return e.is(Lexicon.Entry.ADJECTIVE) || (e.is(Lexicon.Entry.ADVERB) && !e.is(Lexicon.Entry.VERB))
				|| (e.is(Lexicon.Entry.LANGUAGE) && ("in".equals(before) || "into".equals(before)))
				|| (e.is(Lexicon.Entry.PERSON) && ("to".equals(before) || "for".equals(before)));
	}

	private static boolean same(Tok x, Tok y) {
		return x.lower.equals(y.lower) || x.squashed.equals(y.squashed) || sameLemma(x, y);
	}

	/** {@link Lexicon.Entry#sameLemma} over the tokens' arrays: called for many pairs of words on every comparison, without an iterator each. */
	private static boolean sameLemma(Tok x, Tok y) {
		for (String lx : x.lemmas) {
			for (String ly : y.lemmas) {
				if (lx.equals(ly)) {
					return true;
				}
			}
		}
		return false;
	}

	private static int[] content(Text text, boolean[] used) {
		// Function words, used name tokens and numbers (compared already) are not aligned.
		int[] content = new int[text.tokens.length];
		int n = 0;
		for (int i = 0; i < text.tokens.length; i++) {
			if ((text.tokens[i].flags & Tok.CONTENT) != 0 && !used[i] && text.tokens[i].value == null) {
				content[n++] = i;
			}
		}
		return Arrays.copyOf(content, n);
	}

	// ---- analysis of one text

	private Text text(String text) {
		return this.texts.get(text, this::analyse);
	}

	private Text analyse(String text) {
		return analyse(text, true);
	}

	/** @param prefixes whether a negating prefix is read as a negation ("unsafe": not safe) */
	private Text analyse(String text, boolean prefixes) {
		List<Tok> tokens = new ArrayList<>();
		Matcher matcher = TOKEN.matcher(text.replace('’', '\''));
		int letterTokens = 0;
		int upperTokens = 0;
		boolean anyUpper = false;
		while (matcher.find()) {
			String token = matcher.group();
			split(token, tokens);
		}
		for (Tok t : tokens) {
			if (isLetters(t.original) && t.original.length() >= 2) {
				letterTokens++;
				if (t.original.equals(t.original.toUpperCase(Locale.ROOT))) {
					upperTokens++;
				}
			}
			anyUpper |= !t.original.equals(t.lower);
		}
		// All capitals, or no capital at all: case says nothing about names.
		boolean caseless = !anyUpper || (letterTokens >= 3 && upperTokens * 10 >= letterTokens * 7);
		List<Tok> expanded = new ArrayList<>(tokens.size() + 2);
		List<Tok> prefixed = List.of();
		for (int i = 0; i < tokens.size(); i++) {
			Tok t = tokens.get(i);
			// "non-wireless", "not unlike": a negated prefixed word is read whole, or the two negations cancel
			boolean afterNegation = i > 0 && negation(tokens.get(i - 1).lower);
			Tok negated = (prefixes && !afterNegation) ? negatingPrefix(t) : null;
			if (negated != null) {
				if (prefixed.isEmpty()) {
					prefixed = new ArrayList<>(2);
				}
				prefixed.add(t);
				Tok not = Tok.synthetic("not", this.lexicon);
				if (t.lower.endsWith("less")) {
					not.flags |= Tok.WITHOUT;
				}
				expanded.add(not);
				t = negated;
			}
			expanded.add(t);
		}
		Tok[] toks = expanded.toArray(new Tok[0]);
		boolean negated = false;
		List<Tok> without = List.of();
		Set<String> words = new HashSet<>();
		Set<String> grams = new HashSet<>();
		int[] poles = new int[this.rules.opposites().size()];
		for (int i = 0; i < toks.length; i++) {
			Tok t = toks[i];
			words.add(t.lower);
			boolean freeOf = t.lower.equals("free") && i + 1 < toks.length
					&& (toks[i + 1].lower.equals("of") || toks[i + 1].lower.equals("from"));
			if (negation(t.lower) || freeOf) {
				if (!freeOf) {
					t.flags |= Tok.NEGATION; // "free" stays a word to align ("free" / "free of charge")
				}
				int object = freeOf ? i + 2 : i + 1;
				while (freeOf && object < toks.length && DETERMINERS.contains(toks[object].lower)) {
					object++;
				}
				if (((t.flags & Tok.WITHOUT) != 0 || freeOf) && object < toks.length) {
					if (without.isEmpty()) {
						without = new ArrayList<>(1);
					}
					without.add(toks[object]); // negates that thing only: see negated(Text, Text)
				}
				else {
					negated = true;
				}
			}
			number(toks, i);
			if (i > 0 && toks[i - 1].value != null && t.value == null && t.lower.length() <= 3 && isLetters(t.lower)
					&& !FUNCTION_WORDS.contains(t.lower)) {
				t.flags |= Tok.UNIT;
			}
			if ((FUNCTION_WORDS.contains(t.lower) && (t.flags & Tok.UNIT) == 0) || (t.flags & (Tok.NEGATION | Tok.FUNCTION)) != 0) {
				t.flags |= Tok.FUNCTION;
			}
			else {
				t.flags |= Tok.CONTENT;
			}
			if (i == 0) {
				t.flags |= Tok.INITIAL;
			}
			if (t.value == null && identifier(t, caseless)) {
				t.flags |= Tok.IDENT;
			}
			else if (t.value == null && (this.rules.entities().contains(t.lower) || (!caseless && isName(t, i)))) {
				t.flags |= Tok.NAME;
			}
			poles(toks, i, poles);
		}
		for (int i = 0; i < toks.length; i++) {
			toks[i].index = i;
			if (i + 1 < toks.length && (toks[i].flags & Tok.CONTENT) != 0 && PARTICLES.contains(toks[i + 1].lower)
					&& toks[i].entry.is(Lexicon.Entry.VERB)) {
				Lexicon.Entry phrasal = this.lexicon.lookup(toks[i].lower + " " + toks[i + 1].lower);
				if (phrasal.known()) {
					toks[i].phrasal = phrasal;
				}
			}
			StringBuilder joined = new StringBuilder();
			for (int k = i; k < Math.min(toks.length, i + 3); k++) {
				joined.append(toks[k].squashed);
				grams.add(joined.toString());
			}
		}
		Text whole = prefixed.isEmpty() ? null : analyse(text, false);
		return new Text(toks, negated, caseless, words, grams, poles, directed(toks), focus(toks), output(toks),
				prefixed, whole, without);
	}

	private boolean negation(String lower) {
		return lower.equals("not") || lower.endsWith("n't") || this.rules.negations().contains(lower)
				|| "non".equals(lower);
	}

	/** Splits contractions ("can't": can not, "what's": what is) and hyphenated words. */
	private void split(String token, List<Tok> into) {
		String lower = token.toLowerCase(Locale.ROOT);
		Matcher quantity = QUANTITY.matcher(token);
		if (quantity.matches() && !ORDINAL.matcher(lower).matches()) {
			// "7pm", "5kg", "3x", "4-day": a number and its unit, as when written apart
			into.add(new Tok(quantity.group(1), this.lexicon));
			Tok unit = new Tok(quantity.group(2), this.lexicon);
			unit.flags |= Tok.UNIT; // a word even when it is a function word elsewhere ("7am", "7pm")
			into.add(unit);
			return;
		}
		int apostrophe = lower.indexOf('\'');
		if (apostrophe > 0) {
			String rest = lower.substring(apostrophe);
			String base = token.substring(0, apostrophe);
			if (rest.equals("'t") && lower.endsWith("n't")) {
				String stem = token.substring(0, apostrophe - 1);
				String stemLower = stem.toLowerCase(Locale.ROOT);
				stem = switch (stemLower) {
					case "ca" -> "can";
					case "wo" -> "will";
					case "sha" -> "shall";
					default -> stem;
				};
				into.add(new Tok(stem, this.lexicon));
				into.add(Tok.synthetic("not", this.lexicon));
				return;
			}
			String expansion = switch (rest) {
				case "'s" -> PRONOUNS_BEFORE_IS.contains(base.toLowerCase(Locale.ROOT)) ? "is" : "";
				case "'re" -> "are";
				case "'ve" -> "have";
				case "'ll" -> "will";
				case "'d" -> "would";
				case "'m" -> "am";
				case "'" -> "";
				default -> null;
			};
			if (expansion != null) {
				into.add(new Tok(base, this.lexicon));
				if (!expansion.isEmpty()) {
					into.add(Tok.synthetic(expansion, this.lexicon));
				}
				return;
			}
		}
		if (token.indexOf('-') > 0 && !hasDigit(token)) {
			String[] parts = token.split("-");
			String last = parts[parts.length - 1].toLowerCase(Locale.ROOT);
			if (parts.length >= 2 && (last.equals("free") || last.equals("less"))) {
				// "toll-free", "gluten-free": without the thing named
				Tok without = Tok.synthetic("not", this.lexicon);
				without.flags |= Tok.WITHOUT;
				into.add(without);
				parts = Arrays.copyOf(parts, parts.length - 1);
			}
			for (int k = 0; k < parts.length; k++) {
				if (!parts[k].isEmpty()) {
					Tok part = new Tok(parts[k], this.lexicon);
					if (k == 0 && parts.length > 1 && parts[k].length() == 1 && Character.isLetter(parts[k].charAt(0))) {
						part.flags |= Tok.INITIAL_LETTER;
					}
					if (k == 0 && parts.length > 1) {
						part.flags |= Tok.HYPHENATED;
					}
					into.add(part);
				}
			}
			return;
		}
		into.add(new Tok(token, this.lexicon));
	}

	/**
	 * "unsafe": the word "safe" negated, when the lexicon relates the two; "sugarless": the noun
	 * "sugar" negated.
	 */
	private @Nullable Tok negatingPrefix(Tok t) {
		String word = t.lower;
		if (word.length() < 5 || !isLetters(word)) {
			return null;
		}
		if (word.endsWith("less") && word.length() >= 7 && (!t.entry.known() || t.entry.is(Lexicon.Entry.ADJECTIVE))
				&& this.lexicon.lookup(word.substring(0, word.length() - 4)).is(Lexicon.Entry.NOUN)) {
			return new Tok(t.original.substring(0, word.length() - 4), this.lexicon); // "sugarless": without sugar
		}
		for (String prefix : new String[] { "non", "un", "in", "im", "il", "ir", "dis", "a" }) {
			if (!word.startsWith(prefix) || word.length() - prefix.length() < 3) {
				continue;
			}
			String stem = word.substring(prefix.length());
			Lexicon.Entry stemEntry = this.lexicon.lookup(stem);
			if (!stemEntry.known()) {
				continue;
			}
			if (t.entry.known() && !t.entry.is(Lexicon.Entry.ADJECTIVE)) {
				return null; // "disorder", "invention": a noun or verb of its own, not a negated word
			}
			boolean opposite = t.entry.antonym(stemEntry);
			boolean open = (prefix.equals("un") || prefix.equals("non")) && stem.length() >= 4
					&& (!t.entry.known() || opposite);
			if (opposite || open) {
				return new Tok(t.original.substring(prefix.length()), this.lexicon);
			}
		}
		return null;
	}

	/** A number's value: digits, number words, ordinals, "N times" as "Nx". */
	private void number(Tok[] toks, int i) {
		Tok t = toks[i];
		String lower = t.lower;
		String value = null;
		if (NUMBER.matcher(lower).matches()) {
			value = lower.replace(",", "");
		}
		else if (ORDINAL.matcher(lower).matches()) {
			value = lower;
		}
		else if (this.rules.numbers().containsKey(lower)) {
			value = this.rules.numbers().get(lower);
		}
		else if (ORDINALS.containsKey(lower)) {
			value = ORDINALS.get(lower);
		}
		else if (lower.endsWith("th") && lower.length() > 4) {
			String cardinal = lower.endsWith("ieth") ? lower.substring(0, lower.length() - 4) + "y"
					: lower.substring(0, lower.length() - 2);
			String number = this.rules.numbers().get(cardinal);
			if (number != null && NUMBER.matcher(number).matches()) {
				value = number + "th";
			}
		}
		else if ((lower.equals("times") || lower.equals("x")) && i > 0 && toks[i - 1].value != null
				&& !toks[i - 1].value.endsWith("x")) {
			toks[i - 1].value = toks[i - 1].value + "x";
			t.flags |= Tok.FUNCTION;
		}
		else if (lower.equals("one") && (i + 1 < toks.length && !FUNCTION_WORDS.contains(toks[i + 1].lower)
				|| (i > 0 && toks[i - 1].wordNumber)
				|| (i + 3 < toks.length && toks[i + 1].lower.equals("and") && toks[i + 3].lower.equals("half")))) {
			value = "1"; // "one egg", "twenty-one"; not "which one", "one of"
		}
		if (value != null && ORDINAL.matcher(value).matches()) {
			value = value.replaceAll("(st|nd|rd|th)$", "th");
		}
		if (value != null && !hasDigit(lower) && compound(toks, i, value)) {
			t.flags |= Tok.FUNCTION;
			return;
		}
		if (value != null && NUMBER.matcher(value).matches()) {
			t.wordNumber = true; // digits too: "1 million"
			t.part = Double.parseDouble(value);
		}
		t.value = value;
	}

	private static final Set<String> MULTIPLIERS = Set.of("hundred", "thousand", "million", "billion");

	/**
	 * Number words after number words make one number, by the grammar of English numbers ("twenty
	 * five" and "twenty-five" are 25, "three hundred" 300, "ten thousand" 10000, "one and a half"
	 * 1.5, "twenty-first" 21st): the value goes to the first word.
	 * @return whether {@code value} (the word at {@code i}) was added to an earlier word's number
	 */
	private static boolean compound(Tok[] toks, int i, String value) {
		int j = i - 1;
		boolean and = false;
		while (j >= 0 && (toks[j].lower.equals("and") || toks[j].lower.equals("a")) && j >= i - 2) {
			and = true;
			j--;
		}
		if (j < 0 || !toks[j].wordNumber || toks[j].value == null) {
			return false;
		}
		Tok first = toks[j];
		if (hasDigit(first.lower) && !MULTIPLIERS.contains(toks[i].lower)) {
			return false; // digits are continued by "hundred", "million"... only
		}
		boolean ordinal = value.endsWith("th");
		double v = Double.parseDouble(ordinal ? value.substring(0, value.length() - 2) : value);
		double part = first.part;
		boolean tens = part >= 20 && part % 10 == 0 && part % 100 != 0;
		if (MULTIPLIERS.contains(toks[i].lower) && !ordinal && !and) {
			if (v == 100) {
				first.part = ((part == 0) ? 1 : part) * v;
			}
			else {
				first.total += ((part == 0) ? 1 : part) * v;
				first.part = 0;
			}
		}
		else if (v == 0.5 && and) {
			first.part += 0.5;
		}
		else if (v < 10 && tens && !and) {
			first.part += v;
		}
		else if (v < 100 && part >= 100 && part % 100 == 0) {
			first.part += v;
		}
		else if (v < 100 && part == 0 && first.total > 0) {
			first.part = v;
		}
		else {
			return false;
		}
		String number = plain(first.total + first.part);
		if (ordinal) {
			first.value = number + "th";
			first.wordNumber = false;
		}
		else {
			first.value = number;
		}
		return true;
	}

	private static String plain(double number) {
		return (number == Math.rint(number)) ? Long.toString((long) number)
				: java.math.BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
	}

	private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)-?(\\p{L}{1,12})");

	private static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*(?:\\.\\d+)?");

	private static final Pattern ORDINAL = Pattern.compile("\\d+(?:st|nd|rd|th)");

	private static boolean hasDigit(String s) {
		for (int i = 0; i < s.length(); i++) {
			if (Character.isDigit(s.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	/** An identifier by shape; capitals count only when the text uses case. */
	private static boolean identifier(Tok t, boolean caseless) {
		String token = t.original;
		if (!caseless) {
			return isNumberOrIdentifier(token);
		}
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (Character.isDigit(c) || c == '_' || ((c == '.' || c == '/') && i > 0 && i < token.length() - 1)) {
				return true;
			}
		}
		return false;
	}

	/** A capitalized word that is not common, not a function word, nor an everyday word starting a sentence. */
	private boolean isName(Tok t, int position) {
		if (!Character.isUpperCase(t.original.codePointAt(0)) || (t.flags & Tok.FUNCTION) != 0
				|| this.rules.common().contains(t.lower)) {
			return false;
		}
		return position > 0 || !t.entry.is(Lexicon.Entry.COMMON);
	}

	private void poles(Tok[] toks, int i, int[] poles) {
		Tok t = toks[i];
		for (String lemma : t.entry.lemmas()) {
			int[] entry = this.poleWords.get(lemma);
			if (entry != null) {
				for (int k = 0; k < entry.length; k += 2) {
					poles[entry[k]] |= entry[k + 1];
					t.pole = entry[k] * 2 + entry[k + 1];
				}
			}
		}
		List<String[]> phrases = this.polePhrases.get(t.lower);
		if (phrases != null) {
			for (String[] phrase : phrases) {
				int length = phrase.length - 1;
				if (i + length > toks.length) {
					continue;
				}
				boolean matches = true;
				for (int k = 1; k < length && matches; k++) {
					matches = toks[i + k].lower.equals(phrase[k]) || toks[i + k].entry.lemmas().contains(phrase[k]);
				}
				if (matches) {
					String[] target = phrase[length].split(":");
					poles[Integer.parseInt(target[0])] |= Integer.parseInt(target[1]);
					t.pole = Integer.parseInt(target[0]) * 2 + Integer.parseInt(target[1]);
				}
			}
		}
	}

	/** For each direction word, the words that follow it, skipping common words ("to the city": city). */
	private Map<String, Set<String>> directed(Tok[] toks) {
		Map<String, Set<String>> directed = Map.of();
		for (int i = 0; i < toks.length; i++) {
			if (!this.rules.directions().contains(toks[i].lower)) {
				continue;
			}
			for (int j = i + 1; j < toks.length; j++) {
				String next = toks[j].lower;
				if (!this.rules.common().contains(next) && !this.rules.directions().contains(next)) {
					if (directed.isEmpty()) {
						directed = new HashMap<>();
					}
					directed.computeIfAbsent(toks[i].lower, (d) -> new HashSet<>()).add(next);
					break;
				}
			}
		}
		return directed;
	}

	/** Who, when, where, why, or "how" with the adjective or adverb it asks about ("how tall"). */
	private static @Nullable String focus(Tok[] toks) {
		for (int i = 0; i < toks.length; i++) {
			String word = toks[i].lower;
			if (STRONG_FOCUS.contains(word)) {
				return word.startsWith("who") ? "who" : word;
			}
			if (word.equals("how") && i + 1 < toks.length) {
				Tok next = toks[i + 1];
				if (next.lower.equals("much") || next.lower.equals("many")) {
					return "how much";
				}
				boolean asked = i + 2 >= toks.length || (toks[i + 2].flags & Tok.FUNCTION) != 0;
				if ((next.flags & Tok.FUNCTION) == 0 && asked
						&& (next.entry.is(Lexicon.Entry.ADJECTIVE) || next.entry.is(Lexicon.Entry.ADVERB))) {
					return "how " + next.lower;
				}
				return "how";
			}
		}
		return null;
	}

	/** Whether the request asks for a written output: its first content word is "explain", "write", "summarize"... */
	private static boolean output(Tok[] toks) {
		for (Tok t : toks) {
			if ((t.flags & Tok.CONTENT) != 0) {
				return t.entry.is(Lexicon.Entry.OUTPUT_VERB);
			}
		}
		return false;
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

	/** One analysed text. Immutable once built (its tokens' flags are only read afterwards). */
	private record Text(Tok[] tokens, boolean negated, boolean caseless, Set<String> words, Set<String> grams, int[] poles,
			Map<String, Set<String>> directed, @Nullable String focus, boolean output, List<Tok> prefixed,
			@Nullable Text whole, List<Tok> without) {
	}

	/** One token of a text. */
	private static final class Tok {

		static final int FUNCTION = 1;

		static final int CONTENT = 2;

		static final int NEGATION = 4;

		static final int NAME = 8;

		static final int IDENT = 16;

		static final int INITIAL = 32;

		/** A negation of the thing after it only ("gluten-free", "free of", "sugarless"). */
		static final int WITHOUT = 64;

		/** A short word after a number: its unit ("5 km", "7pm"). */
		static final int UNIT = 128;

		/** A letter alone before a hyphen ("e-bike"): a word's initial. */
		static final int INITIAL_LETTER = 256;

		/** The first part of a hyphenated word ("check" of "check-out"). */
		static final int HYPHENATED = 512;

		final String original;

		final String lower;

		/** Letters and digits only, lower case: "node.js" and "nodejs" are one name. */
		final String squashed;

		/** The name without its short dotted suffix ("node" for "node.js"), or null. */
		final @Nullable String dottedBase;

		/** Initials: one letter, or one per capitalized part of a camelCase word ("PlayStation": ps). */
		final String initials;

		final boolean upper;

		final Lexicon.Entry entry;

		/** The entry's base forms, as an array to compare without allocating. */
		final String[] lemmas;

		@Nullable String value;

		/** A number written in words, which the number words after it may continue ("twenty" five). */
		boolean wordNumber;

		/** Of such a number: the thousands and more so far, and the rest ("two thousand" / "three hundred"). */
		double total;

		double part;

		int flags;

		/** Position in its text. */
		int index;

		/** The opposite pole this word (or the phrase it starts) belongs to, -1 for none. */
		int pole = -1;

		/** The phrasal verb this word makes with the particle after it ("turn on"), when the lexicon knows one. */
		Lexicon.@Nullable Entry phrasal;

		Tok(String original, Lexicon lexicon) {
			this.original = original;
			this.lower = original.toLowerCase(Locale.ROOT);
			StringBuilder squashed = new StringBuilder(this.lower.length());
			StringBuilder initials = new StringBuilder(2);
			for (int i = 0; i < original.length(); i++) {
				char c = original.charAt(i);
				if (Character.isLetterOrDigit(c)) {
					squashed.append(Character.toLowerCase(c));
					if (Character.isLetter(c) && (initials.isEmpty() || (Character.isUpperCase(c) && i > 0
							&& Character.isLowerCase(original.charAt(i - 1))))) {
						initials.append(Character.toLowerCase(c));
					}
				}
			}
			this.squashed = squashed.toString();
			this.initials = initials.toString();
			this.dottedBase = SemanticGuard.dottedBase(this.lower);
			this.upper = original.length() >= 2 && original.equals(original.toUpperCase(Locale.ROOT))
					&& !original.equals(this.lower);
			this.entry = lexicon.lookup(isWord(this.lower) ? this.lower : this.squashed);
			this.lemmas = this.entry.lemmas().toArray(new String[0]);
		}

		static Tok synthetic(String word, Lexicon lexicon) {
			return new Tok(word, lexicon);
		}

		private static boolean isWord(String s) {
			for (int i = 0; i < s.length(); i++) {
				if (!Character.isLetter(s.charAt(i))) {
					return false;
				}
			}
			return true;
		}

	}

}
