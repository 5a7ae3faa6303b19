package dev.llmcache.key;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PromptNormalizerTests {

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
	void whitespaceRunsBecomeOneSpaceAndEndsAreTrimmed() {
		assertThat(this.normalizer.normalize("  Hello \t\n  world\r\n")).isEqualTo("Hello world");
		assertThat(this.normalizer.normalize("a\u00a0\u00a0b\u2003c\u3000d")).isEqualTo("a b c d");
		assertThat(this.normalizer.normalize(" \t\n ")).isEmpty();
		assertThat(this.normalizer.normalize("")).isEmpty();
	}

	@Test
	void textThatNeedsNothingIsReturnedAsIs() {
		String text = "Summarize this paragraph, please.";
		assertThat(this.normalizer.normalize(text)).isSameAs(text);
	}

	@Test
	void uuidsAreRemoved() {
		assertThat(this.normalizer.normalize("id 123e4567-e89b-12d3-a456-426614174000 now")).isEqualTo("id now");
		assertThat(this.normalizer.normalize("id 9F1C2D3E-4B5A-6978-8796-A5B4C3D2E1F0 now")).isEqualTo("id now");
		assertThat(this.normalizer.normalize("request-id=123e4567-e89b-12d3-a456-426614174000"))
			.isEqualTo("request-id=");
	}

	@Test
	void tokensAreRemovedFromTextWithOtherHyphens() {
		assertThat(this.normalizer.normalize("a follow-up on 123e4567-e89b-12d3-a456-426614174000 at "
				+ "2024-05-01T10:15:30Z, re-sent")).isEqualTo("a follow-up on at , re-sent");
		assertThat(this.normalizer.normalize("decade-long follow-up 2024-05-01")).isEqualTo(
				"decade-long follow-up 2024-05-01");
		String hyphenated = "a well-known, up-to-date follow-up";
		assertThat(this.normalizer.normalize(hyphenated)).isSameAs(hyphenated);
	}

	@Test
	void textThatOnlyLooksLikeAUuidIsKept() {
		assertThat(this.normalizer.normalize("x123e4567-e89b-12d3-a456-426614174000")).isEqualTo(
				"x123e4567-e89b-12d3-a456-426614174000");
		assertThat(this.normalizer.normalize("123e4567-e89b-12d3-a456")).isEqualTo("123e4567-e89b-12d3-a456");
	}

	@Test
	void isoDateTimesAreRemoved() {
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15:30Z, hi")).isEqualTo("at , hi");
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15:30.123456789+02:00 hi")).isEqualTo("at hi");
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15-0530 hi")).isEqualTo("at hi");
		assertThat(this.normalizer.normalize("at 2024-05-01T10:15:30+01:00[Europe/Paris] hi")).isEqualTo("at hi");
		assertThat(this.normalizer.normalize("Now is 2024-05-01T10:15:30.")).isEqualTo("Now is .");
		assertThat(this.normalizer.normalize("from 2024-05-01T10:00Z-2024-05-01T12:00Z")).isEqualTo("from -");
	}

	@Test
	void logLinesWithDifferentTraceIdsAndTimesAreTheSame() {
		String one = "Trace 123e4567-e89b-12d3-a456-426614174000 at 2026-11-22T08:15:00Z: what is Redis?";
		String other = "Trace 9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d at 2026-11-23T09:00:00+01:00: what is Redis?";
		assertThat(this.normalizer.normalize(one)).isEqualTo("Trace at : what is Redis?")
			.isEqualTo(this.normalizer.normalize(other));
	}

	@Test
	void datesWithoutTimeAreKept() {
		assertThat(this.normalizer.normalize("What happened on 2020-01-01?")).isEqualTo("What happened on 2020-01-01?");
	}

	@Test
	void stampsGluedToOtherTextAreLeftWhole() {
		assertThat(this.normalizer.normalize("v2024-05-01T10:15:30Z")).isEqualTo("v2024-05-01T10:15:30Z");
		assertThat(this.normalizer.normalize("2024-05-01T10:15:30Zulu")).isEqualTo("2024-05-01T10:15:30Zulu");
	}

	@Test
	void removalCanBeSwitchedOff() {
		PromptNormalizer keepAll = PromptNormalizer.builder().stripUuids(false).stripIsoTimestamps(false).build();
		String text = "id 123e4567-e89b-12d3-a456-426614174000 at 2024-05-01T10:15:30Z";
		assertThat(keepAll.normalize("  " + text + "  ")).isEqualTo(text);
		PromptNormalizer keepTimestamps = PromptNormalizer.builder().stripIsoTimestamps(false).build();
		assertThat(keepTimestamps.normalize(text)).isEqualTo("id at 2024-05-01T10:15:30Z");
	}

	@Test
	void userPatternsAreRemoved() {
		PromptNormalizer withPatterns = PromptNormalizer.builder()
			.pattern("order #\\d+")
			.pattern("(?i)session=[a-z0-9]+")
			.build();
		assertThat(withPatterns.normalize("Where is order #1234? SESSION=ab12 thanks"))
			.isEqualTo("Where is ? thanks");
		assertThat(withPatterns.normalize("id 123e4567-e89b-12d3-a456-426614174000 now")).isEqualTo("id now");
	}

	@Test
	void userPatternFlagsDoNotLeakIntoOtherPatterns() {
		PromptNormalizer withPatterns = PromptNormalizer.builder().pattern("(?i)abc").pattern("XyZ").build();
		assertThat(withPatterns.normalize("ABC xyz XyZ")).isEqualTo("xyz");
	}

	@Test
	void userPatternsWithBackReferencesKeepTheirGroups() {
		PromptNormalizer withPatterns = PromptNormalizer.builder().pattern("(\\w)\\1{3,}").build();
		assertThat(withPatterns.normalize("wait zzzzz ok")).isEqualTo("wait ok");
	}

	@Test
	void invalidPatternIsRejectedWithItsReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> PromptNormalizer.builder().pattern("order (#\\d+"))
			.withMessage("Invalid llmcache normalize pattern 'order (#\\d+': Unclosed group");
	}

	@Test
	void noneReturnsTheTextUnchanged() {
		String text = "  cafe\u0301  id 123e4567-e89b-12d3-a456-426614174000 ";
		assertThat(PromptNormalizer.none().normalize(text)).isSameAs(text);
	}

	@Test
	void nullTextIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.normalizer.normalize(null))
			.withMessage("text must not be null");
	}

}
