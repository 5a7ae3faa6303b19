package dev.llmcache.key;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PromptNormalizerTests {

	private static final String UUID_1 = "123e4567-e89b-12d3-a456-426614174000";

	private static final String UUID_2 = "9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d";

	private final PromptNormalizer normalizer = PromptNormalizer.defaults();

	@Test
	void composedAndDecomposedTextAreTheSame() {
		String composed = "caf\u00e9";
		String decomposed = "cafe\u0301";
		assertThat(composed).isNotEqualTo(decomposed);
		assertThat(this.normalizer.normalize(decomposed)).isEqualTo(composed);
		assertThat(this.normalizer.normalize(composed)).isEqualTo(composed);
	}

	@Test
	void spacingInsideProseLinesIsFolded() {
		assertThat(this.normalizer.normalize("  Hello \t  world  ")).isEqualTo("Hello world");
		assertThat(this.normalizer.normalize("a\u00a0\u00a0b\u2003c\u3000d")).isEqualTo("a b c d");
		assertThat(this.normalizer.normalize(" \t\n ")).isEmpty();
		assertThat(this.normalizer.normalize("")).isEmpty();
	}

	@Test
	void lineEndingsAndTrailingSpacesAreFoldedButLinesAreKept() {
		assertThat(this.normalizer.normalize("first   line  \r\nsecond line\rthird\u2028fourth\n\n"))
			.isEqualTo("first line\nsecond line\nthird\nfourth");
		assertThat(this.normalizer.normalize("\n\n para one\n\npara two\n")).isEqualTo(" para one\n\npara two");
	}

	@Test
	void indentationIsKept() {
		String python = "def f(x):\n    if x:\n        return  1\n    return 2";
		String dedented = "def f(x):\n    if x:\n    return  1\n    return 2";
		assertThat(this.normalizer.normalize(python)).isEqualTo(python);
		assertThat(this.normalizer.normalize(dedented)).isNotEqualTo(this.normalizer.normalize(python));
	}

	@Test
	void fencedCodeIsKeptVerbatimButForTrailingSpaces() {
		String fenced = "Explain:\n```python\nx  =  1   \n\n\ty = 2\n```\nthanks";
		assertThat(this.normalizer.normalize(fenced)).isEqualTo("Explain:\n```python\nx  =  1\n\n\ty = 2\n```\nthanks");
		String withBlankLineInside = "```\nprint(1)\n\n```";
		String withoutBlankLine = "```\nprint(1)\n```";
		assertThat(this.normalizer.normalize(withBlankLineInside)).isNotEqualTo(this.normalizer.normalize(withoutBlankLine));
	}

	@Test
	void textThatNeedsNothingIsReturnedAsIs() {
		String text = "Summarize this paragraph, please.";
		assertThat(this.normalizer.normalize(text)).isSameAs(text);
	}

	@Test
	void dynamicTokensAreKeptUnlessStrippingIsAskedFor() {
		String text = "Cancel order " + UUID_1 + " at 2024-05-01T10:15:30Z";
		assertThat(this.normalizer.normalize(text)).isEqualTo(text);
	}

	@Test
	void strippedTokensBecomeNumberedPlaceholdersInOrderOfFirstAppearance() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(this.normalizer.normalize("id " + UUID_1 + " then " + UUID_2 + " and " + UUID_1, tokens))
			.isEqualTo("id \u27e61\u27e7 then \u27e62\u27e7 and \u27e61\u27e7");
		assertThat(tokens.placeholders().tokens()).containsExactly(UUID_1, UUID_2);
	}

	@Test
	void numberingContinuesAcrossTheTextsOfOneRequest() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		this.normalizer.normalize("first " + UUID_1, tokens);
		assertThat(this.normalizer.normalize("second 2024-05-01T10:15:30Z and " + UUID_1, tokens))
			.isEqualTo("second \u27e62\u27e7 and \u27e61\u27e7");
	}

	@Test
	void aLiteralPlaceholderInTextIsEscapedWhenStripping() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(this.normalizer.normalize("literal \u27e61\u27e7", tokens)).isEqualTo("literal \u27e6\u27e71\u27e7");
		assertThat(tokens.placeholders().isEmpty()).isTrue();
	}

	@Test
	void tokensInTextWithOtherHyphensAreFound() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(this.normalizer.normalize("a follow-up on " + UUID_1 + " at 2024-05-01T10:15:30Z, re-sent", tokens))
			.isEqualTo("a follow-up on \u27e61\u27e7 at \u27e62\u27e7, re-sent");
		String hyphenated = "a well-known, up-to-date follow-up";
		assertThat(this.normalizer.normalize(hyphenated, new Placeholders.Collector())).isSameAs(hyphenated);
	}

	@Test
	void textThatOnlyLooksLikeATokenIsKept() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(this.normalizer.normalize("x" + UUID_1, tokens)).isEqualTo("x" + UUID_1);
		assertThat(this.normalizer.normalize("What happened on 2020-01-01?", tokens))
			.isEqualTo("What happened on 2020-01-01?");
		assertThat(this.normalizer.normalize("v2024-05-01T10:15:30Z", tokens)).isEqualTo("v2024-05-01T10:15:30Z");
		assertThat(tokens.placeholders().isEmpty()).isTrue();
	}

	@Test
	void isoDateTimesAreTokens() {
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15:30.123456789+02:00 hi", tokens))
			.isEqualTo("at \u27e61\u27e7 hi");
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15:30+01:00[Europe/Paris] hi", tokens))
			.isEqualTo("at \u27e62\u27e7 hi");
		assertThat(tokens.placeholders().tokens()).containsExactly("2024-05-01T10:15:30.123456789+02:00",
				"2024-05-01T10:15:30+01:00[Europe/Paris]");
	}

	@Test
	void whichTokensAreStrippedIsConfigurable() {
		PromptNormalizer keepAll = PromptNormalizer.builder().stripUuids(false).stripIsoTimestamps(false).build();
		assertThat(keepAll.stripsTokens()).isFalse();
		String text = "id " + UUID_1 + " at 2024-05-01T10:15:30Z";
		assertThat(keepAll.normalize(text, new Placeholders.Collector())).isEqualTo(text);
		PromptNormalizer keepTimestamps = PromptNormalizer.builder().stripIsoTimestamps(false).build();
		assertThat(keepTimestamps.normalize(text, new Placeholders.Collector()))
			.isEqualTo("id \u27e61\u27e7 at 2024-05-01T10:15:30Z");
	}

	@Test
	void userPatternsAreTokens() {
		PromptNormalizer withPatterns = PromptNormalizer.builder()
			.pattern("order #\\d+")
			.pattern("(?i)session=[a-z0-9]+")
			.build();
		Placeholders.Collector tokens = new Placeholders.Collector();
		assertThat(withPatterns.normalize("Where is order #1234? SESSION=ab12 thanks", tokens))
			.isEqualTo("Where is \u27e61\u27e7? \u27e62\u27e7 thanks");
		assertThat(tokens.placeholders().tokens()).containsExactly("order #1234", "SESSION=ab12");
	}

	@Test
	void userPatternsWithBackReferencesKeepTheirGroups() {
		PromptNormalizer withPatterns = PromptNormalizer.builder().pattern("(\\w)\\1{3,}").build();
		assertThat(withPatterns.normalize("wait zzzzz ok", new Placeholders.Collector())).isEqualTo("wait \u27e61\u27e7 ok");
	}

	@Test
	void invalidPatternIsRejectedWithItsReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> PromptNormalizer.builder().pattern("order (#\\d+"))
			.withMessage("Invalid llmcache normalize pattern 'order (#\\d+': Unclosed group");
	}

	@Test
	void noneReturnsTheTextUnchanged() {
		String text = "  cafe\u0301  id " + UUID_1 + " ";
		assertThat(PromptNormalizer.none().normalize(text)).isSameAs(text);
		assertThat(PromptNormalizer.none().normalize(text, new Placeholders.Collector())).isSameAs(text);
	}

	@Test
	void nullTextIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.normalizer.normalize(null))
			.withMessage("text must not be null");
	}

}
