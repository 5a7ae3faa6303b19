package dev.llmcache.semantic;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The rules file format ({@link GuardRules#read}), the shipped defaults, and a replaced list
 * changing what {@link SemanticGuard} decides.
 */
class GuardRulesTests {

	@Test
	void defaultsAreReadFromTheClassPath() {
		GuardRules rules = GuardRules.defaults();
		assertThat(rules.negations()).contains("not", "never", "without");
		assertThat(rules.opposites()).anySatisfy(opposite -> {
			assertThat(opposite.positive()).contains("enable", "turn on");
			assertThat(opposite.negative()).contains("disable", "turn off");
		});
		assertThat(rules.opposites()).anySatisfy(opposite -> {
			assertThat(opposite.positive()).containsExactly("subscribe");
			assertThat(opposite.negative()).containsExactly("unsubscribe");
		});
		assertThat(rules.common()).contains("what", "how", "the");
		assertThat(rules.numbers()).containsEntry("two", "2").containsEntry("dozen", "12");
		assertThat(rules.directions()).contains("to", "from", "than").doesNotContain("vs");
	}

	@Test
	void everyKindIsReadIgnoringCaseCommentsBlankLinesAndExtraSpaces() {
		GuardRules rules = read("""
				# a comment line

				Negation:  nope ,  nah   # trailing comment
				opposite: tea, green   tea | coffee
				common: Please, kindly
				number: pair = 2
				direction: towards
				""");
		assertThat(rules.negations()).containsExactlyInAnyOrder("nope", "nah");
		assertThat(rules.opposites()).containsExactly(
				new GuardRules.Opposite(java.util.List.of("tea", "green tea"), java.util.List.of("coffee")));
		assertThat(rules.common()).containsExactlyInAnyOrder("please", "kindly");
		assertThat(rules.numbers()).containsExactly(java.util.Map.entry("pair", "2"));
		assertThat(rules.directions()).containsExactly("towards");
	}

	@Test
	void anEmptyFileHasNoRules() {
		GuardRules rules = read("# nothing\n\n");
		assertThat(rules.negations()).isEmpty();
		assertThat(rules.opposites()).isEmpty();
		assertThat(rules.common()).isEmpty();
		assertThat(rules.numbers()).isEmpty();
		assertThat(rules.directions()).isEmpty();
	}

	@Test
	void aLineWithoutAKindFailsNamingSourceAndLine() {
		assertThatIllegalArgumentException().isThrownBy(() -> read("# rules\nnegation: not\nenable | disable\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:3: expected 'kind: ...'");
	}

	@Test
	void entitiesAreSingleWordsInAnyCase() {
		GuardRules rules = read("entity: Nginx, haproxy\n");
		assertThat(rules.entities()).containsExactlyInAnyOrder("nginx", "haproxy");
		assertThat(new SemanticGuard(rules).disagreement("set up nginx", "set up haproxy")).isEqualTo("entity");
		assertThatIllegalArgumentException().isThrownBy(() -> read("entity: new york\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: an entity is a single word, not 'new york'");
	}

	@Test
	void anUnknownKindFailsListingTheKnownOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> read("antonym: hot | cold\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: unknown kind 'antonym' "
					+ "(expected negation, opposite, common, number, direction, entity or synonym)");
	}

	@Test
	void anOppositeNeedsTwoNonEmptyPoles() {
		assertThatIllegalArgumentException().isThrownBy(() -> read("opposite: enable, disable\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: "
					+ "an opposite needs two non-empty poles separated by '|'");
		assertThatIllegalArgumentException().isThrownBy(() -> read("\n\nopposite: enable | \n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:3: "
					+ "an opposite needs two non-empty poles separated by '|'");
		assertThatIllegalArgumentException().isThrownBy(() -> read("opposite: a | b | c\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: "
					+ "an opposite needs two non-empty poles separated by '|'");
	}

	@Test
	void aNumberNeedsAWordAndAValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> read("number: two 2\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: a number needs 'word = value'");
		assertThatIllegalArgumentException().isThrownBy(() -> read("number: = 2\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: a number needs 'word = value'");
		assertThatIllegalArgumentException().isThrownBy(() -> read("number: a couple = 2\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: a number word is a single word, "
					+ "not 'a couple'");
	}

	@Test
	void aReplacedListIsTheWholeRuleSet() {
		// Without WordNet, so that only the rules differ between the two guards.
		SemanticGuard replaced = new SemanticGuard(read("""
				opposite: tea | coffee
				number: couple = 2
				"""), Lexicon.basic());
		SemanticGuard defaults = new SemanticGuard(GuardRules.defaults(), Lexicon.basic());
		// Its own rules apply (the defaults keep tea and coffee apart too, as a substitution)...
		assertThat(defaults.disagreement("can i drink tea before bed?", "can i drink coffee before bed?"))
			.isEqualTo("substitution");
		assertThat(replaced.disagreement("can i drink tea before bed?", "can i drink coffee before bed?"))
			.isEqualTo("polarity");
		assertThat(defaults.disagreement("a table for a couple", "a table for 2")).isEqualTo("number");
		assertThat(replaced.disagreement("a table for a couple", "a table for 2")).isNull();
		// ...and the defaults it does not repeat are gone.
		assertThat(defaults.disagreement("how do i enable dark mode?", "how do i disable dark mode?"))
			.isEqualTo("polarity");
		assertThat(replaced.disagreement("how do i enable dark mode?", "how do i disable dark mode?"))
			.isEqualTo("substitution");
		assertThat(defaults.disagreement("foods with gluten", "foods without gluten")).isEqualTo("negation");
		assertThat(replaced.disagreement("foods with gluten", "foods without gluten")).isNotEqualTo("negation");
		assertThat(defaults.disagreement("What is the capital of France?", "Tell me the capital of France")).isNull();
		assertThat(replaced.disagreement("What is the capital of France?", "Tell me the capital of France")).isNull();
	}

	@Test
	void synonymLinesMakeWordsInterchangeable() {
		GuardRules rules = read("synonym: parcel, package\n");
		assertThat(new SemanticGuard(rules, Lexicon.basic()).disagreement("track my parcel", "track my package"))
			.isNull();
		assertThat(new SemanticGuard(read("# none\n"), Lexicon.basic()).disagreement("track my parcel",
				"track my package"))
			.isEqualTo("substitution");
		assertThatIllegalArgumentException().isThrownBy(() -> read("synonym: parcel\n"))
			.withMessage("llmcache: malformed guard rule at my-rules.txt:1: a synonym line needs two or more single words");
	}

	@Test
	void negationsEndingInNtAreBuiltIn() {
		SemanticGuard replaced = new SemanticGuard(read("# no rules at all\n"));
		assertThat(replaced.disagreement("why does my phone charge?", "why doesn't my phone charge?"))
			.isEqualTo("negation");
	}

	private static GuardRules read(String text) {
		InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
		return GuardRules.read(in, "my-rules.txt");
	}

}
