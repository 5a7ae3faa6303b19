package dev.llmcache.semantic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SemanticGuard} with the default rules: which pairs of requests it keeps apart, and which
 * paraphrases it lets through (a guard that rejects everything would pass the first half alone).
 */
class SemanticGuardTests {

	private final SemanticGuard guard = SemanticGuard.defaults();

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			What is 15% of 200?                       | What is 20% of 200?
			Who won the World Cup in 2014?            | Who won the World Cup in 2018?
			Book a table for 2 people                 | Book a table for 4 people
			Find flights for two adults               | Find flights for three adults
			Find flights for two adults               | Find flights for 3 adults
			Explain the HTTP 401 status               | Explain the HTTP 403 status
			What is the iPhone 14 battery life?       | What is the iPhone battery life?
			How do I upgrade to v1.2?                 | How do I upgrade to v1.3?
			What does E_CONN_RESET mean?              | What does E_CONN_REFUSED mean?
			What does getUserName return?             | What does getUserId return?
			How do I create an AWS bucket?            | How do I create a GCP bucket?
			Where is config/app.yml read?             | Where is config/db.yml read?
			Summarize the second chapter              | Summarize the third chapter
			""")
	void numbersAndIdentifiersMustBeTheSame(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("number");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("number");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Book a table for two people               | Book a table for 2 people
			What is the tax on 1,000 dollars?         | What is the tax on 1000 dollars?
			Explain the HTTP 401 status               | What does HTTP status 401 mean?
			What does getUserName return?             | What is returned by getUserName?
			""")
	void sameNumbersAndIdentifiersWrittenDifferentlyAgree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Why is my code working?                   | Why is my code not working?
			Why does my phone charge?                 | Why doesn't my phone charge?
			Why does the light turn on?               | Why won't the light turn on?
			Foods that contain gluten                 | Foods that contain no gluten
			Things to do in Paris with a car          | Things to do in Paris without a car
			Should I tip in restaurants in Japan?     | Should I never tip in restaurants in Japan?
			What should I do when I can sleep?        | What should I do when I can’t sleep?
			""")
	void negationMustBeOnBothSidesOrNeither(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("negation");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("negation");
	}

	@Test
	void twoNegatedRequestsAgree() {
		assertThat(this.guard.disagreement("Why is my code not working?", "Why doesn't my code work?")).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I enable two-factor authentication?  | How do I disable two-factor authentication?
			How do I turn on dark mode?                 | How do I turn off dark mode?
			How do I turn on dark mode?                 | How can I switch off dark mode?
			Is the light on?                            | Is the light off?
			How do I add a user to the group?           | How do I remove a user from the group?
			How do I add a user to the group?           | Deleting a user from the group
			Is aspirin safe for children?               | Is aspirin toxic for children?
			Is mercury safe for humans?                 | Is mercury dangerous for humans?
			How do I subscribe to the newsletter?       | How do I unsubscribe from the newsletter?
			How do I install the app?                   | How do I uninstall the app?
			How do I lock my screen?                    | How do I unlock my screen?
			How can I increase my credit limit?         | How can I decrease my credit limit?
			What are the arguments for nuclear power?   | What are the arguments against nuclear power?
			Is it legal to record a phone call?         | Is it illegal to record a phone call?
			What is the largest planet?                 | What is the smallest planet?
			How do I log in to my account?              | How do I log out of my account?
			What happened before the revolution?        | What happened after the revolution?
			""")
	void oppositePolesDisagree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("polarity");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("polarity");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I turn on dark mode?                 | How can I enable dark mode?
			How do I turn off notifications?            | How can I disable notifications?
			How do I enable notifications?              | I keep enabling notifications, how?
			Is mercury toxic to humans?                 | Is mercury poisonous to humans?
			How do I configure notifications?           | How do I turn off notifications?
			""")
	void theSamePoleOrAPoleOnOneSideOnlyAgree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			What is the capital of France?            | What is the capital of Germany?
			Who wrote Hamlet?                         | Who wrote Macbeth?
			How do I install Docker on Ubuntu?        | How do I install Docker on Windows?
			How do I deploy to Heroku?                | How do I deploy my app?
			Who painted the Mona Lisa?                | Who painted The Starry Night?
			How do I cancel my Netflix subscription?  | How do I cancel my subscription?
			""")
	void entityLikeTokensMustAppearInBoth(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("entity");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("entity");
	}

	@Test
	void aCapitalizedFirstWordIsEntityLikeUnlessCommon() {
		assertThat(this.guard.disagreement("Enabling notifications", "How do I enable notifications?"))
			.isEqualTo("entity");
		assertThat(this.guard.disagreement("Convert 5 km to miles", "How many miles is 5 km?")).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			how do i install docker on ubuntu         | how do i install docker on windows
			best way to learn kotlin                  | best way to learn scala
			what is the population of brazil          | what is the population of argentina
			""")
	void namesTheRulesListAreEntitiesInLowerCaseToo(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("entity");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("entity");
	}

	@Test
	void lowercaseNamesTheRulesDoNotListAreNotSeen() {
		// A known limit: without capitals an unlisted name is just another word.
		assertThat(this.guard.disagreement("how do i configure nginx as a proxy", "how do i configure haproxy as a proxy"))
			.isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Convert 10 km to miles                    | Convert 10 miles to km
			how do i convert celsius to fahrenheit    | how do i convert fahrenheit to celsius
			Cheapest flights from Paris to London     | Cheapest flights from London to Paris
			Is Python faster than Java?               | Is Java faster than Python?
			Translate this from English to German     | Translate this from German to English
			""")
	void reversedDirectionsDisagree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("direction");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("direction");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I get from the airport to the city center? | What's the best way to get to the city center from the airport?
			What is the difference between TCP and UDP?       | What is the difference between UDP and TCP?
			Convert 5 km to miles                             | How many miles is 5 km?
			How to live with a roommate                       | How to share a flat with a roommate
			""")
	void sameDirectionOrNoneOnOneSideAgree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.disagreement(cached, request)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I reset my password?               | What are the steps to reset my password?
			What is the capital of France?            | What's the capital city of France?
			What is the capital of France?            | What is France's capital?
			Who wrote Pride and Prejudice?            | Who is the author of Pride and Prejudice?
			How do I turn on dark mode?               | How can I enable dark mode?
			Which city is the capital of France?      | What is the capital of France?
			I forgot my password, how can I reset it? | How do I reset my password?
			Can you explain how vaccines work?        | How do vaccines work?
			What is the price of a Big Mac?           | How much does a Big Mac cost?
			Why is my code not working?               | My code isn't working, why?
			""")
	void paraphrasesPass(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.agree(request, cached)).isTrue();
		assertThat(this.guard.agree(cached, request)).isTrue();
	}

	@Test
	void knownParaphrasesItRejects() {
		// Honest limits, also in the evaluation set: an abbreviation is an identifier, and
		// "unsafe" is not read as "not safe".
		assertThat(this.guard.disagreement("What is the capital of the US?", "What is the capital of the United States?"))
			.isEqualTo("number");
		assertThat(this.guard.disagreement("Is it unsafe to drink tap water?", "Is tap water not safe to drink?"))
			.isEqualTo("negation");
	}

	@Test
	void checksRunInOrderNumbersFirst() {
		assertThat(this.guard.disagreement("Why is Python 2 not slow?", "Why is Java 3 slow?")).isEqualTo("number");
		assertThat(this.guard.disagreement("Why is Python not slow?", "Why is Java fast?")).isEqualTo("negation");
		assertThat(this.guard.disagreement("Why is Python slow?", "Why is Java fast?")).isEqualTo("polarity");
		assertThat(this.guard.disagreement("Why is Python slow?", "Why is Java slow?")).isEqualTo("entity");
	}

	@ParameterizedTest
	@CsvSource({ "2024, true", "v1.2, true", "config/app.yml, true", "E_CONN, true", "getUserName, true",
			"AWS, true", "S3, true", "Python, false", "python, false", "well-known, false", "don't, false" })
	void numbersAndIdentifiersByShape(String token, boolean expected) {
		assertThat(SemanticGuard.isNumberOrIdentifier(token)).isEqualTo(expected);
	}

}
