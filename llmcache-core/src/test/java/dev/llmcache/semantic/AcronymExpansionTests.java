package dev.llmcache.semantic;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acronyms are embedded as the words they stand for, so that an acronym and its spelled-out form
 * are near enough for the guards to judge them; WordNet 3.1 is the lexicon.
 */
class AcronymExpansionTests {

	private final AcronymExpansion expansion = new AcronymExpansion(Lexicon.wordNet());

	@Test
	void anAcronymTheLexiconKnowsIsEmbeddedAsItsWords() {
		assertThat(this.expansion.expand("What is the GDP of Germany?"))
			.isEqualTo("What is the gross domestic product of Germany?");
		assertThat(this.expansion.expand("What does a high BMI mean?"))
			.isEqualTo("What does a high body mass index mean?");
		assertThat(this.expansion.expand("Is a 10% ROI good?")).isEqualTo("Is a 10% return on investment good?");
	}

	@Test
	void anAcronymWithTwoReadingsIsLeftAsWritten() {
		// Irish Republican Army, or individual retirement account.
		assertThat(this.expansion.expand("Can I open an IRA?")).isEqualTo("Can I open an IRA?");
	}

	@Test
	void aRequestTypedInCapitalsHasNoAcronyms() {
		assertThat(this.expansion.expand("HOW DO I RESET IT?")).isEqualTo("HOW DO I RESET IT?");
	}

	@Test
	void anUnknownAcronymOrALowerCaseWordIsLeftAsWritten() {
		assertThat(this.expansion.expand("How do I call the QZX endpoint?")).isEqualTo("How do I call the QZX endpoint?");
		assertThat(this.expansion.expand("what is the gdp of france")).isEqualTo("what is the gdp of france");
	}

	@Test
	void aLexiconWithoutAcronymsExpandsNothing() {
		assertThat(new AcronymExpansion(Lexicon.basic()).expand("What is the GDP of Germany?"))
			.isEqualTo("What is the GDP of Germany?");
	}

	@Test
	void onlyAPhraseWhoseInitialsSpellTheAcronymIsItsExpansion() {
		assertThat(WordNetLexicon.spells("gross domestic product", "GDP")).isTrue();
		assertThat(WordNetLexicon.spells("United States of America", "USA")).isTrue();
		assertThat(WordNetLexicon.spells("return on investment", "ROI")).isTrue();
		assertThat(WordNetLexicon.spells("gross national product", "GDP")).isFalse();
		assertThat(WordNetLexicon.spells("television", "TV")).isFalse();
	}

	@Test
	void theEmbeddingModelSeesTheExpansionWhileTheCacheHoldsTheTextAsWritten() {
		float[] vector = { 1, 0, 0 };
		VectorStoreSemanticIndexContract.FixedEmbeddingModel model = new VectorStoreSemanticIndexContract.FixedEmbeddingModel(
				Map.of("What is the gross domestic product of Germany?", vector));
		EmbeddingCache embeddings = new EmbeddingCache(model, 10, Lexicon.wordNet());
		assertThat(embeddings.embed("What is the GDP of Germany?")).containsExactly(1, 0, 0);
		assertThat(embeddings.embed("What is the GDP of Germany?")).isSameAs(embeddings.embed("What is the GDP of Germany?"));
	}

}
