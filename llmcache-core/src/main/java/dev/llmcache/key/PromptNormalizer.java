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
 * share a cache key.
 *
 * <p>{@link #normalize(String)} applies, in this order:
 * <ol>
 * <li>Unicode normalization form C, so that a composed and a decomposed "é" are the same text;</li>
 * <li>removal of dynamic tokens: UUIDs, ISO-8601 date-times, and any user {@linkplain Builder#pattern
 * patterns};</li>
 * <li>whitespace collapsing: every run of whitespace (including no-break spaces and line breaks)
 * becomes one space, and leading and trailing whitespace is dropped.</li>
 * </ol>
 * A removed token leaves the whitespace around it, which step 3 then collapses, so
 * {@code "id 123e4567-e89b-12d3-a456-426614174000 now"} becomes {@code "id now"}.
 *
 * <p>Only full date-time stamps are removed ({@code 2024-05-01T10:15:30Z},
 * {@code 2024-05-01T10:15:30.123+02:00}, {@code 2024-05-01T10:15}); a bare date such as
 * {@code 2024-05-01} is kept, because "what happened on 2020-01-01" asks something else than
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
	 * NFC, UUIDs and ISO-8601 date-times removed, whitespace collapsed and trimmed.
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
	 * @param text the text to normalize, never null
	 * @return the normalized text; the argument itself when nothing had to change
	 */
	public String normalize(String text) {
		Assert.notNull(text, "text must not be null");
		if (!this.enabled) {
			return text;
		}
		String result = (isBelowCombiningMarks(text) || Normalizer.isNormalized(text, Normalizer.Form.NFC)) ? text
				: Normalizer.normalize(text, Normalizer.Form.NFC);
		if (this.combined != null && (!this.builtInOnly || mayHoldBuiltInToken(result))) {
			result = removeAll(this.combined, result);
		}
		for (Pattern pattern : this.separate) {
			result = removeAll(pattern, result);
		}
		return collapseWhitespace(result);
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
	 * a 1 KB prompt costs tens of microseconds; this scan costs about a microsecond, and a hyphen in
	 * a word ("follow-up") no longer sends the whole text through the regex.
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

	private static String removeAll(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		if (!matcher.find()) {
			return text;
		}
		StringBuilder result = new StringBuilder(text.length());
		int last = 0;
		do {
			result.append(text, last, matcher.start());
			last = matcher.end();
		}
		while (matcher.find());
		result.append(text, last, text.length());
		return result.toString();
	}

	static String collapseWhitespace(String text) {
		int length = text.length();
		if (!needsCollapsing(text, length)) {
			return text;
		}
		StringBuilder result = new StringBuilder(length);
		boolean pendingSpace = false;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (isWhitespace(c)) {
				pendingSpace = result.length() > 0;
			}
			else {
				if (pendingSpace) {
					result.append(' ');
					pendingSpace = false;
				}
				result.append(c);
			}
		}
		return result.toString();
	}

	private static boolean needsCollapsing(String text, int length) {
		if (length == 0) {
			return false;
		}
		if (isWhitespace(text.charAt(0)) || isWhitespace(text.charAt(length - 1))) {
			return true;
		}
		boolean previousSpace = false;
		for (int i = 1; i < length - 1; i++) {
			char c = text.charAt(i);
			if (c == ' ') {
				if (previousSpace) {
					return true;
				}
				previousSpace = true;
			}
			else if (isWhitespace(c)) {
				return true;
			}
			else {
				previousSpace = false;
			}
		}
		return false;
	}

	private static boolean isWhitespace(char c) {
		if (c <= ' ') {
			return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001C' && c <= '\u001F');
		}
		// Character.isWhitespace leaves out the no-break spaces, which pasted text is full of.
		return c >= '\u0085' && (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085');
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
		return "PromptNormalizer[nfc, whitespace, remove=" + patterns + "]";
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
		 * Whether UUIDs ({@code 123e4567-e89b-12d3-a456-426614174000}, any case) are removed.
		 * Default {@code true}.
		 */
		public Builder stripUuids(boolean stripUuids) {
			this.stripUuids = stripUuids;
			return this;
		}

		/**
		 * Whether ISO-8601 date-times with at least hours and minutes are removed, with or without
		 * seconds, fraction, offset and zone ({@code 2024-05-01T10:15:30.5+02:00[Europe/Paris]}).
		 * Bare dates are kept. Default {@code true}.
		 */
		public Builder stripIsoTimestamps(boolean stripIsoTimestamps) {
			this.stripIsoTimestamps = stripIsoTimestamps;
			return this;
		}

		/**
		 * Adds a regular expression ({@link Pattern} syntax) whose matches are removed.
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
