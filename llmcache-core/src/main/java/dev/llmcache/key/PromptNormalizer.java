package dev.llmcache.key;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Rewrites prompt text so that requests which differ only in ways that cannot change the answer
 * share a cache key, and never more (see {@code docs/keys.md}).
 *
 * <p>{@link #normalize(String)} folds, and only folds:
 * <ol>
 * <li>Unicode normalization form C, so that a composed and a decomposed "é" are the same text;</li>
 * <li>line-ending style: {@code \r\n}, {@code \r}, U+0085, U+2028 and U+2029 become {@code \n};</li>
 * <li>trailing spaces and tabs at the end of every line, and blank lines before the first and after
 * the last non-blank line;</li>
 * <li>runs of horizontal whitespace (spaces, tabs, no-break spaces) inside a <em>prose</em> line,
 * which become one space. A prose line is one that does not start with whitespace and is not
 * inside a fenced code block ({@code ```} or {@code ~~~}); a text of one line is prose, its
 * leading whitespace dropped, since it is indented relative to nothing.</li>
 * </ol>
 * Line breaks, blank lines between lines, leading indentation and everything inside fenced or
 * indented code are kept: Python that differs only in indentation, or a Markdown table and the
 * same cells on one line, are different requests.
 *
 * <p>Dynamic tokens (UUIDs, ISO-8601 date-times, the builder's patterns) are kept by
 * {@link #normalize(String)}. {@link #normalize(String, Placeholders.Collector)} replaces each
 * distinct one by a numbered placeholder ({@code ⟦1⟧}, {@code ⟦2⟧}...) and records it, for callers
 * that opted in (see {@link Placeholders}). A literal {@code ⟦} in such text is escaped as
 * {@code ⟦⟧}, so no text can pass for a placeholder.
 *
 * <p>Only full date-time stamps are tokens ({@code 2024-05-01T10:15:30Z},
 * {@code 2024-05-01T10:15:30.123+02:00}, {@code 2024-05-01T10:15}); a bare date such as
 * {@code 2024-05-01} is not, because "what happened on 2020-01-01" asks something else than
 * "what happened on 2021-01-01".
 *
 * <p>Immutable and thread-safe; the {@link Builder} is not.
 */
public final class PromptNormalizer {

	private static final String UUID_REGEX = "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b";

	// Atomic, then a look-ahead: a stamp glued to a word is left whole rather than cut into a
	// removed prefix and a meaningless tail.
	private static final String ISO_TIMESTAMP_REGEX = "\\b(?>\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?"
			+ "(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)?(?:\\[[A-Za-z0-9/_+-]+])?)(?!\\w)";

	private static final PromptNormalizer DEFAULTS = builder().build();

	private static final PromptNormalizer NONE = new PromptNormalizer(false, null, List.of(), false);

	private final boolean enabled;

	private final @Nullable Pattern combined;

	// Patterns with back references are numbered relative to their own groups, which an
	// alternation would shift, so they run on their own.
	private final List<Pattern> separate;

	// Both built-in tokens hold a '-' right after four or more hexadecimal digits (a UUID's first
	// group, a date-time's year), so text without such a place cannot match and skips the regex.
	private final boolean builtInOnly;

	private PromptNormalizer(boolean enabled, @Nullable Pattern combined, List<Pattern> separate,
			boolean builtInOnly) {
		this.enabled = enabled;
		this.combined = combined;
		this.separate = separate;
		this.builtInOnly = builtInOnly;
	}

	/**
	 * Folding as described above; UUIDs and ISO-8601 date-times are the tokens stripped for
	 * callers that opt in.
	 */
	public static PromptNormalizer defaults() {
		return DEFAULTS;
	}

	/**
	 * The identity: {@link #normalize(String)} returns its argument unchanged.
	 */
	public static PromptNormalizer none() {
		return NONE;
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Folds what cannot change an answer; dynamic tokens are kept.
	 * @param text the text to normalize, never null
	 * @return the normalized text; the argument itself when nothing had to change
	 */
	public String normalize(String text) {
		return normalize(text, null);
	}

	/**
	 * Folds what cannot change an answer and, when {@code tokens} is given, replaces each dynamic
	 * token by its numbered placeholder, recording it in {@code tokens}.
	 * @param text the text to normalize, never null
	 * @param tokens where stripped tokens are numbered, shared by all texts of one request; null
	 * to keep tokens
	 * @return the normalized text; the argument itself when nothing had to change
	 */
	public String normalize(String text, Placeholders.@Nullable Collector tokens) {
		Assert.notNull(text, "text must not be null");
		if (!this.enabled) {
			return text;
		}
		String result = (isBelowCombiningMarks(text) || Normalizer.isNormalized(text, Normalizer.Form.NFC)) ? text
				: Normalizer.normalize(text, Normalizer.Form.NFC);
		if (tokens != null) {
			result = strip(result, tokens);
		}
		return fold(result);
	}

	/** Whether {@link #normalize(String, Placeholders.Collector)} has any token to strip. */
	public boolean stripsTokens() {
		return this.enabled && (this.combined != null || !this.separate.isEmpty());
	}

	private String strip(String text, Placeholders.Collector tokens) {
		boolean anyToken = this.combined != null && (!this.builtInOnly || mayHoldBuiltInToken(text));
		if (!anyToken && this.separate.isEmpty()) {
			return Placeholders.escape(text);
		}
		// One pass over the alternation, then each pattern with back references: every match is
		// found in the text as given, before any placeholder replaced part of it.
		List<int[]> matches = new ArrayList<>();
		if (anyToken) {
			collect(this.combined, text, matches);
		}
		for (Pattern pattern : this.separate) {
			collect(pattern, text, matches);
		}
		if (matches.isEmpty()) {
			return Placeholders.escape(text);
		}
		matches.sort((a, b) -> (a[0] != b[0]) ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
		StringBuilder result = new StringBuilder(text.length() + 8);
		int last = 0;
		for (int[] match : matches) {
			if (match[0] < last) {
				continue;
			}
			Placeholders.escapeInto(text, last, match[0], result);
			tokens.placeholder(text.substring(match[0], match[1]), result);
			last = match[1];
		}
		Placeholders.escapeInto(text, last, text.length(), result);
		return result.toString();
	}

	private static void collect(Pattern pattern, String text, List<int[]> matches) {
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			if (matcher.end() > matcher.start()) {
				matches.add(new int[] { matcher.start(), matcher.end() });
			}
		}
	}

	// Nothing below U+0300 composes with what precedes it or decomposes under NFC (the bound ICU
	// itself uses for its NFC quick check), so such text, most prompt text, is already NFC.
	private static boolean isBelowCombiningMarks(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) >= '\u0300') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a '-' follows four or more hexadecimal digits somewhere: true of any text holding a
	 * UUID or an ISO-8601 date-time. The regex tries its alternatives at every position, which for
	 * a 1 KB prompt costs tens of microseconds; this scan costs about a microsecond.
	 */
	private static boolean mayHoldBuiltInToken(String text) {
		int hexRun = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '-') {
				if (hexRun >= 4) {
					return true;
				}
				hexRun = 0;
			}
			else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
				hexRun++;
			}
			else {
				hexRun = 0;
			}
		}
		return false;
	}

	/**
	 * Line endings to {@code \n}, trailing whitespace of lines and blank lines at both ends
	 * dropped, runs of whitespace inside prose lines to one space; code and indentation kept.
	 */
	static String fold(String text) {
		if (isFolded(text)) {
			return text;
		}
		List<String> lines = splitLines(text);
		// One line has no indentation relative to anything: it is prose, whatever it starts with.
		boolean oneLine = lines.stream().filter(line -> !stripTrailing(line).isEmpty()).count() == 1;
		StringBuilder result = new StringBuilder(text.length());
		char fence = 0;
		int fenceLength = 0;
		int pendingBlankLines = 0;
		boolean started = false;
		for (String raw : lines) {
			String line = stripTrailing(raw);
			int marker = fenceMarker(line);
			boolean verbatim;
			if (fence != 0) {
				verbatim = true;
				if (marker > 0 && line.trim().charAt(0) == fence && marker >= fenceLength
						&& line.trim().length() == marker) {
					fence = 0;
				}
			}
			else if (marker > 0) {
				verbatim = true;
				fence = line.trim().charAt(0);
				fenceLength = marker;
			}
			else {
				verbatim = !oneLine && !line.isEmpty() && isHorizontalSpace(line.charAt(0));
			}
			if (line.isEmpty()) {
				pendingBlankLines++;
				continue;
			}
			if (started) {
				result.append('\n');
				for (int i = 0; i < pendingBlankLines; i++) {
					result.append('\n');
				}
			}
			pendingBlankLines = 0;
			started = true;
			if (verbatim) {
				result.append(line);
			}
			else {
				collapseInto(line, result);
			}
		}
		return result.toString();
	}

	/**
	 * True of text that {@link #fold(String)} would return unchanged and that needs no line
	 * handling: one line, no whitespace at either end, single plain spaces only. Most prompts.
	 */
	private static boolean isFolded(String text) {
		int length = text.length();
		if (length == 0) {
			return true;
		}
		if (isWhitespace(text.charAt(0)) || isWhitespace(text.charAt(length - 1))) {
			return false;
		}
		boolean previousSpace = false;
		for (int i = 1; i < length - 1; i++) {
			char c = text.charAt(i);
			if (c == ' ') {
				if (previousSpace) {
					return false;
				}
				previousSpace = true;
			}
			else if (isWhitespace(c)) {
				return false;
			}
			else {
				previousSpace = false;
			}
		}
		return true;
	}

	private static List<String> splitLines(String text) {
		List<String> lines = new ArrayList<>();
		int start = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
				lines.add(text.substring(start, i));
				if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
					i++;
				}
				start = i + 1;
			}
		}
		lines.add(text.substring(start));
		return lines;
	}

	private static String stripTrailing(String line) {
		int end = line.length();
		while (end > 0 && isHorizontalSpace(line.charAt(end - 1))) {
			end--;
		}
		return (end == line.length()) ? line : line.substring(0, end);
	}

	/** The length of the fence marker a line opens or closes with (three or more), else 0. */
	private static int fenceMarker(String line) {
		int i = 0;
		while (i < line.length() && i < 3 && line.charAt(i) == ' ') {
			i++;
		}
		if (i >= line.length()) {
			return 0;
		}
		char c = line.charAt(i);
		if (c != '`' && c != '~') {
			return 0;
		}
		int run = 0;
		while (i + run < line.length() && line.charAt(i + run) == c) {
			run++;
		}
		return (run >= 3) ? run : 0;
	}

	private static void collapseInto(String line, StringBuilder result) {
		boolean pendingSpace = false;
		int lineStart = result.length();
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (isHorizontalSpace(c)) {
				pendingSpace = result.length() > lineStart;
			}
			else {
				if (pendingSpace) {
					result.append(' ');
					pendingSpace = false;
				}
				result.append(c);
			}
		}
	}

	private static boolean isWhitespace(char c) {
		return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029' || isHorizontalSpace(c);
	}

	private static boolean isHorizontalSpace(char c) {
		if (c <= ' ') {
			return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || (c >= '\u001C' && c <= '\u001F');
		}
		// Character.isWhitespace leaves out the no-break spaces, which pasted text is full of.
		return c >= '\u0085' && c != '\u2028' && c != '\u2029'
				&& (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085');
	}

	@Override
	public String toString() {
		if (!this.enabled) {
			return "PromptNormalizer[none]";
		}
		List<String> patterns = new ArrayList<>();
		if (this.combined != null) {
			patterns.add(this.combined.pattern());
		}
		this.separate.forEach(pattern -> patterns.add(pattern.pattern()));
		return "PromptNormalizer[nfc, lines, prose spacing, tokens=" + patterns + "]";
	}

	/**
	 * Configures a {@link PromptNormalizer}. Not thread-safe; build one normalizer and share it.
	 */
	public static final class Builder {

		private boolean stripUuids = true;

		private boolean stripIsoTimestamps = true;

		private final List<String> patterns = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Whether UUIDs ({@code 123e4567-e89b-12d3-a456-426614174000}, any case) are tokens.
		 * Default {@code true}.
		 */
		public Builder stripUuids(boolean stripUuids) {
			this.stripUuids = stripUuids;
			return this;
		}

		/**
		 * Whether ISO-8601 date-times with at least hours and minutes are tokens, with or without
		 * seconds, fraction, offset and zone ({@code 2024-05-01T10:15:30.5+02:00[Europe/Paris]}).
		 * Bare dates are kept. Default {@code true}.
		 */
		public Builder stripIsoTimestamps(boolean stripIsoTimestamps) {
			this.stripIsoTimestamps = stripIsoTimestamps;
			return this;
		}

		/**
		 * Adds a regular expression ({@link Pattern} syntax) whose matches are tokens.
		 * @throws IllegalArgumentException if the expression does not compile
		 */
		public Builder pattern(String regex) {
			Assert.notNull(regex, "regex must not be null");
			try {
				Pattern.compile(regex);
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(
						"Invalid llmcache normalize pattern '" + regex + "': " + ex.getDescription(), ex);
			}
			this.patterns.add(regex);
			return this;
		}

		public PromptNormalizer build() {
			List<String> alternatives = new ArrayList<>();
			if (this.stripUuids) {
				alternatives.add(UUID_REGEX);
			}
			if (this.stripIsoTimestamps) {
				alternatives.add(ISO_TIMESTAMP_REGEX);
			}
			boolean builtInOnly = this.patterns.isEmpty();
			List<Pattern> separate = new ArrayList<>();
			for (String regex : this.patterns) {
				if (hasBackReference(regex)) {
					separate.add(Pattern.compile(regex));
				}
				else {
					alternatives.add(regex);
				}
			}
			Pattern combined = alternatives.isEmpty() ? null
					: Pattern.compile(String.join("|", alternatives.stream().map(a -> "(?:" + a + ")").toList()));
			return new PromptNormalizer(true, combined, List.copyOf(separate), builtInOnly);
		}

		private static boolean hasBackReference(String regex) {
			for (int i = 0; i < regex.length() - 1; i++) {
				if (regex.charAt(i) == '\\') {
					char next = regex.charAt(i + 1);
					if ((next >= '1' && next <= '9') || next == 'k') {
						return true;
					}
					i++;
				}
			}
			return false;
		}

	}

}
