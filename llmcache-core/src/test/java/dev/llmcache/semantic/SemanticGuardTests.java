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
			How do I lock my screen?                    | How do I unlock my screen?
			How can I increase my credit limit?         | How can I decrease my credit limit?
			What are the arguments for nuclear power?   | What are the arguments against nuclear power?
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
	void aCapitalizedFirstWordIsEntityLikeUnlessAnEverydayWord() {
		assertThat(this.guard.disagreement("Enabling notifications", "How do I enable notifications?")).isNull();
		assertThat(this.guard.disagreement("Paris hotels near the river", "Hotels near the river")).isEqualTo("entity");
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
	void lowercaseNamesTheRulesDoNotListAreSubstitutions() {
		// Without capitals an unlisted name is just another word, and one word put in place of another
		// that is not its synonym makes another request.
		assertThat(this.guard.disagreement("how do i configure nginx as a proxy", "how do i configure haproxy as a proxy"))
			.isEqualTo("substitution");
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

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I subscribe to the newsletter?       | How do I unsubscribe from the newsletter?
			How do I install the app?                   | How do I uninstall the app?
			Is it legal to record a phone call?         | Is it illegal to record a phone call?
			Is this expense deductible?                 | Is this expense non-deductible?
			Is this operation thread-safe?              | Is this operation thread-unsafe?
			Why is my account active?                   | Why is my account inactive?
			""")
	void aNegatingPrefixIsANegation(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("negation");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("negation");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Is it unsafe to drink tap water?            | Is tap water not safe to drink?
			What is the capital of the US?              | What is the capital of the United States?
			What does GDPR require?                     | What does the General Data Protection Regulation require?
			How do I turn on 2FA?                       | How do I turn on two-factor authentication?
			Does the PS5 play PS4 games?                | Does the PlayStation 5 play PS4 games?
			Is the TV compatible with HDMI 2.1?         | Is the television compatible with HDMI 2.1?
			How to run k8s locally?                     | How to run Kubernetes locally?
			How do I install Node.js on Windows?        | How do I install NodeJS on Windows?
			What is new in PostgreSQL 16?               | What is new in Postgres 16?
			How do I connect to MongoDB from Go?        | How do I connect to Mongo DB from Go?
			WHEN WAS THE EIFFEL TOWER BUILT?            | When was the Eiffel Tower built?
			how to parse json in javascript             | How to parse JSON in JavaScript
			I don't remember my username                | I do not remember my username
			What's the phone number for support?        | What is the phone number for support?
			I was charged 2 times for one order         | I was charged twice for one order
			Who was the 16th president?                 | Who was the sixteenth president?
			Plan a four day trip to Kyoto               | Plan a 4 day trip to Kyoto
			How do I modify my billing address?         | How do I change my billing address?
			What is the largest ocean on Earth?         | What is the biggest ocean on Earth?
			How do I merge two dictionaries in Python?  | How do I merge two dicts in Python?
			""")
	void harmlessDifferencesAgree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.disagreement(cached, request)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I configure notifications?           | How do I turn off notifications?
			How do I clone a git repository?            | How do I fork a git repository?
			How do I track my order?                    | How do I return my order?
			How should I store insulin?                 | How should I inject insulin?
			How do I change my email address?           | How do I change my phone number?
			What is the boiling point of ethanol?       | What is the density of ethanol?
			""")
	void anotherWordInPlaceOfOneIsAnotherRequest(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("substitution");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("substitution");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Draft a short apology email                 | Draft a detailed apology email
			Explain recursion to a beginner             | Explain recursion to an expert
			explain our return policy in spanish        | explain our return policy in german
			Write a polite reply to the customer        | Write a firm reply to the customer
			Explain inflation                           | Explain inflation briefly
			describe the symptoms of flu                | describe the symptoms of flu in french
			""")
	void anotherRequestedFormIsAnotherRequest(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("form");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("form");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How tall is the Eiffel Tower?               | How old is the Eiffel Tower?
			When was Shakespeare born?                  | Where was Shakespeare born?
			Who discovered penicillin?                  | How does penicillin work?
			""")
	void anotherQuestionFocusIsAnotherFacet(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("facet");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("facet");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I make the font larger?              | How do I make the font smaller?
			Can I move my delivery to an earlier date?  | Can I move my delivery to a later date?
			How do I scroll up in the terminal?         | How do I scroll down in the terminal?
			What causes high blood sugar?               | What causes low blood sugar?
			""")
	void wordNetAntonymsDisagree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isIn("polarity", "substitution");
		assertThat(new SemanticGuard(GuardRules.read(new java.io.ByteArrayInputStream(new byte[0]), "empty"))
			.disagreement(request, cached)).as("WordNet alone, no listed opposites").isEqualTo("polarity");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How many euros is 100 dollars?              | How many dollars is 100 euros?
			Is Rust safer than C++?                     | Is C++ safer than Rust?
			Convert a JSON string into a Java object    | Convert a Java object into a JSON string
			""")
	void swappedRolesDisagree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("direction");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("direction");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How tall is the Eiffel Tower?               | What is the height of the Eiffel Tower?
			How deep is Lake Baikal?                    | What is the depth of Lake Baikal?
			How heavy is an adult elephant?             | What is the weight of an adult elephant?
			How do I check my balance?                  | How do I see my balance?
			""")
	void anAdjectiveAndTheAttributeItValuesOrARareSenseAgree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@Test
	void anAdjectiveAndAnotherAttributeDisagree() {
		assertThat(this.guard.disagreement("How tall is the Eiffel Tower?", "What is the weight of the Eiffel Tower?"))
			.isEqualTo("substitution");
		assertThat(this.guard.disagreement("How deep is Lake Baikal?", "What is the area of Lake Baikal?"))
			.isEqualTo("substitution");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Is my wheel aligned?                        | Is my wheel misaligned?
			Why is my steak cooked?                     | Why is my steak overcooked?
			""")
	void aWordWithAPrefixIsNotInterchangeableAsItsKind(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("substitution");
	}

	@Test
	void aSynonymInAnotherPlaceIsNoChange() {
		assertThat(this.guard.disagreement("What is the maximum upload size for a video?",
				"How large can an uploaded video be?"))
			.isNull();
	}

	@Test
	void aPrefixedWordBesideItsSynonymIsNotANegation() {
		assertThat(this.guard.disagreement("Is sugar unhealthy for teeth?", "Is sugar bad for teeth?")).isNull();
		assertThat(this.guard.disagreement("Is aspirin unsafe for kids?", "Is aspirin dangerous for kids?")).isNull();
		assertThat(this.guard.disagreement("Is it legal to fish here?", "Is it illegal to fish here?"))
			.isEqualTo("negation");
	}

	@Test
	void anAcronymMayTakeTheInitialsOfTheWordsAWordIsMadeOf() {
		assertThat(this.guard.disagreement("How do I configure HTTPS?",
				"How do I configure Hypertext Transfer Protocol Secure?"))
			.isNull();
		assertThat(this.guard.disagreement("What does the CFO do?", "What does the chief financial officer do?"))
			.isNull();
		assertThat(this.guard.disagreement("How do I configure HTTPS?", "How do I configure Hypertext Transfer Protocol?"))
			.isEqualTo("number");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I reset my email password?           | How do I reset my password?
			How do I cancel my gym membership?          | How do I cancel my membership?
			""")
	void anAddedNounThatNarrowsTheObjectDisagrees(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("substitution");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("substitution");
	}

	@Test
	void anAddedAdjectiveIsLeftToTheOtherRules() {
		assertThat(this.guard.disagreement("How do I create a new branch?", "How do I create a branch?")).isNull();
	}

	@Test
	void aVerbInThePlaceOfANounThatNamesNoRoleIsARestructuredSentence() {
		assertThat(this.guard.disagreement("Who invented the telephone?", "Who was the inventor of the telephone?"))
			.isNull();
		assertThat(this.guard.disagreement("Who founded Tesla?", "Who is the owner of Tesla?")).isEqualTo("substitution");
		assertThat(this.guard.disagreement("Who wrote Hamlet?", "Who was the publisher of Hamlet?"))
			.isEqualTo("substitution");
	}

	@Test
	void aVerbInThePlaceOfANounIsARestructuredSentenceExceptInAHowQuestion() {
		assertThat(this.guard.disagreement("Who first sailed around the world?",
				"Who was the first person around the world?"))
			.isNull();
		assertThat(this.guard.disagreement("How do I apply for a student visa?",
				"What are the requirements for a student visa?"))
			.isEqualTo("substitution");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Why do some people like cilantro?           | Why do some people dislike cilantro?
			How do I do a git rebase?                   | How do I undo a git rebase?
			How do I zoom in on the map?                | How do I zoom out on the map?
			What time is check in at the hotel?         | What time is check out at the hotel?
			""")
	void aReversingPrefixOrAnotherParticleDisagrees(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("polarity");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("polarity");
	}

	@Test
	void particlesWithAMeaningInCommonAgree() {
		assertThat(this.guard.disagreement("How do I fill in a tax form?", "How do I fill out a tax form?")).isNull();
	}

	@Test
	void freeAndLessNegateTheThingNamed() {
		assertThat(this.guard.disagreement("Is the bridge toll-free?", "Is the bridge tolled?")).isEqualTo("negation");
		assertThat(this.guard.disagreement("Is this bread gluten-free?", "Is this bread free of gluten?")).isNull();
		assertThat(this.guard.disagreement("Is this soda sugar-free?", "Is this soda sugarless?")).isNull();
		assertThat(this.guard.disagreement("Is this bread gluten-free?", "Does this bread contain gluten?"))
			.isEqualTo("negation");
	}

	@Test
	void aFacetAskedWithAnotherSentenceStructureIsAKnownLimit() {
		// A rule that rejected a how-question against an unrelated noun also rejected paraphrases
		// ("How are credit scores calculated?" / "What is the formula for credit scores?"): left out.
		assertThat(this.guard.disagreement("How is measles treated?", "What are the symptoms of measles?")).isNull();
		assertThat(this.guard.disagreement("How are credit scores calculated?", "What is the formula for credit scores?"))
			.isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			What is twenty-five percent of 80?          | What is 25 percent of 80?
			Is three hundred calories a lot for lunch?  | Is 300 calories a lot for lunch?
			How far is ten thousand steps?              | How far is 10,000 steps?
			What was the twenty-first century like?     | What was the 21st century like?
			Can I drink one and a half liters of water? | Can I drink 1.5 liters of water?
			Is one egg a day healthy?                   | Is 1 egg a day healthy?
			What should I see in one week in Oslo?      | What should I see in a week in Oslo?
			""")
	void numberWordsMakeOneNumber(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Can I book a table for seven pm?            | Can I book a table for 7pm?
			How do I lose 5kg in a month?               | How do I lose five kilograms in a month?
			Should I lift 3x a week?                    | Should I lift three times a week?
			Is a 4-day work week better?                | Is a four-day work week better?
			Is 1 million dollars enough to retire?      | Is one million dollars enough to retire?
			""")
	void aNumberWithItsUnitIsTheNumberAndTheUnit(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@Test
	void anotherUnitDisagrees() {
		assertThat(this.guard.disagreement("Book a table at 7am", "Book a table at 7pm")).isEqualTo("substitution");
		assertThat(this.guard.disagreement("Can I run 5 km today?", "Can I run 5 miles today?")).isEqualTo("substitution");
	}

	@Test
	void withoutAThingTheOtherRequestDoesNotNameIsADetail() {
		assertThat(this.guard.disagreement("Is the museum free?", "Is the museum free of charge?")).isNull();
	}

	@Test
	void aKnownWordThatOnlyStartsLikeAPrefixIsNoReversal() {
		assertThat(this.guard.disagreement("How do I inform my landlord?", "Which form do I send my landlord?"))
			.isNotEqualTo("polarity");
		assertThat(this.guard.disagreement("How do I convert units in Excel?", "How do I convert it in Excel?"))
			.isNotEqualTo("polarity");
	}

	@Test
	void compoundNumberWordsWithAnotherValueDisagree() {
		assertThat(this.guard.disagreement("How much do I need to retire at twenty-five?",
				"How much do I need to retire at 35?"))
			.isEqualTo("number");
		assertThat(this.guard.disagreement("Is three hundred calories a lot?", "Is 200 calories a lot?"))
			.isEqualTo("number");
	}

	@Test
	void withoutWordNetSubstitutionsAreRejectedUnlessInflections() {
		SemanticGuard basic = new SemanticGuard(GuardRules.defaults(), Lexicon.basic());
		assertThat(basic.disagreement("How do I modify my billing address?", "How do I change my billing address?"))
			.isEqualTo("substitution");
		assertThat(basic.disagreement("How do I enable notifications?", "I keep enabling notifications, how?"))
			.isNull();
	}

	@Test
	void checksRunInOrderNumbersFirst() {
		assertThat(this.guard.disagreement("Why is Python 2 not slow?", "Why is Java 3 slow?")).isEqualTo("number");
		assertThat(this.guard.disagreement("Why is Python not slow?", "Why is Java fast?")).isEqualTo("negation");
		assertThat(this.guard.disagreement("Why is Python slow?", "Why is Java fast?")).isEqualTo("polarity");
		assertThat(this.guard.disagreement("Why is Python slow?", "Why is Java slow?")).isEqualTo("entity");
	}

	@Test
	void aParticleElsewhereInTheSentenceDoesNotHideAnotherParticleOnTheVerb() {
		// "in Acrobat" has the particle of "zoom in" too, but not on the verb
		assertThat(this.guard.disagreement("How do I zoom out on a PDF in Acrobat?", "How do I zoom in on a PDF in Acrobat?"))
			.isEqualTo("polarity");
	}

	@Test
	void aVerbAfterADeterminerIsANounNotAPhrasalVerb() {
		// "my PIN for the app": not the verb "pin for"
		assertThat(this.guard.disagreement("I forgot my PIN in the banking app", "I forgot my PIN for the banking app"))
			.isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Which of your printers are non-wireless?  | Which of your printers are wireless?
			Is this coat not waterproof?              | Is this coat waterproof?
			""")
	void aNegationBeforeAPrefixedOrSuffixedWordIsStillANegation(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("negation");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("negation");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			My headphones do not connect                              | My headphones connect but there is no sound
			Why does my app not sync when there is a connection?      | Why does my app sync when there is no connection?
			""")
	void twoRequestsNegatingDifferentThingsDisagree(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("negation");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("negation");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Why is my CSS file not loading?           | Why isn't my CSS file loading?
			Why is my phone not charging?             | Why doesn't my phone charge?
			Why can I not sleep after coffee?         | Why can't I sleep after coffee?
			""")
	void aNegationReachesPastTheSubjectItIsInvertedWith(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.disagreement(cached, request)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How many liters are in a cup?             | How many cups are in a liter?
			Are oranges bigger than grapefruits?      | Is a grapefruit bigger than an orange?
			""")
	void swappedRolesAreFoundInAnyInflection(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("direction");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I see my installed Python version?           | How can I check which version of Python I have installed?
			At what Fahrenheit temperature does water freeze?   | What is the freezing point of water in Fahrenheit?
			""")
	void aNameOrNounBetweenReorderedWordsIsNotARelationTheySwapAround(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
	}

	@Test
	void anAcronymsExpansionStartsWithAContentWord() {
		// "MS" is not "my screen" but "Microsoft"
		assertThat(this.guard.disagreement("How do I share my screen on Microsoft Teams?",
				"How do I share my screen on MS Teams?"))
			.isNull();
	}

	@Test
	void aCapitalAloneGivesItsInitialToAnAcronym() {
		assertThat(this.guard.disagreement("How do I get from John F. Kennedy airport to Manhattan?",
				"How do I get from JFK to Manhattan?"))
			.isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I connect to MongoDB from Node.js?   | How do I connect to Mongo from Node?
			How do I use hooks in React.js?             | How do I use hooks in React?
			""")
	void aNameWithAShortDottedSuffixIsTheNameAlone(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.disagreement(cached, request)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I clear the cache in Google Chrome?  | How do I clear the cache in Chrome?
			How do I pair AirPods with a Windows PC?    | How do I pair AirPods with a PC?
			""")
	void aNameBeforeANameBothRequestsHaveQualifiesIt(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isNull();
		assertThat(this.guard.disagreement(cached, request)).isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Flights to New York                         | Flights to York
			How do I clear the cache in Google Chrome?  | How do I clear the cache in Mozilla Chrome?
			""")
	void anAdjectiveOrAQualifierBesideAnotherNameIsNoQualifier(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("entity");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			How do I report a lost credit card?         | How do I activate a new credit card?
			What is the dress code at the Ritz?         | What is the check-in time at the Ritz?
			""")
	void asManyWordsReplacedOnEachSideInOnePhraseAreASubstitution(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("substitution");
	}

	@Test
	void aLetterBeforeAHyphenIsTheInitialOfAWord() {
		assertThat(this.guard.disagreement("Can I bring my electric bike on the train?",
				"Can I bring my e-bike on the train?"))
			.isNull();
		assertThat(this.guard.disagreement("Can I bring my folding bike on the train?",
				"Can I bring my e-bike on the train?"))
			.isEqualTo("substitution");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Can I give my dog a cold?                   | Can my dog give me a cold?
			Can I send you the invoice?                 | Can you send me the invoice?
			""")
	void aPersonAsObjectOnOneSideAndSubjectOnTheOtherIsASwappedRole(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("direction");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("direction");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Which is less healthy: brown rice or quinoa?  | Which is healthier: brown rice or quinoa?
			Is honey less sweet than sugar?               | Is honey more sweet than sugar?
			""")
	void lessWithAnAdjectiveIsOppositeToItsComparative(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("polarity");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("polarity");
	}

	@Test
	void aQuestionForTheObjectIsNotAQuestionForTheSubject() {
		assertThat(this.guard.disagreement("Who did Federer beat in the 2008 final?", "Who beat Federer in the 2008 final?"))
			.isEqualTo("direction");
		assertThat(this.guard.disagreement("What do migraines cause?", "What causes migraines?")).isEqualTo("direction");
		assertThat(this.guard.disagreement("Who did invent the telephone?", "Who invented the telephone?")).isNull();
	}

	@Test
	void aLongAcronymMayExpandFromAFunctionWord() {
		assertThat(this.guard.disagreement("Is as soon as possible shipping available?", "Is ASAP shipping available?"))
			.isNull();
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			What's the process for changing a hotel reservation?  | How do I cancel my hotel reservation?
			Steps for tracking my parcel online                   | How do I return my parcel online?
			""")
	void anotherVerbOnTheSameObjectIsAnotherActionHoweverTheSentenceIsBuilt(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("substitution");
	}

	@Test
	void aHyphenatedPhrasalVerbAfterADeterminerKeepsItsParticle() {
		assertThat(this.guard.disagreement("When do I have to check in at the Marriott?",
				"What's the check-out time at the Marriott?"))
			.isEqualTo("polarity");
	}

	@ParameterizedTest(name = "{0} | {1}")
	@CsvSource(delimiter = '|', textBlock = """
			Could you translate this menu from German for me?  | Could you translate this menu into German for me?
			Move my files from the cloud                        | Move my files to the cloud
			""")
	void whereAThingComesFromOnOneSideAndGoesOnTheOtherIsADirection(String request, String cached) {
		assertThat(this.guard.disagreement(request, cached)).isEqualTo("direction");
		assertThat(this.guard.disagreement(cached, request)).isEqualTo("direction");
	}

	@Test
	void aSourceAndAGoalNamedInEitherOrderAgree() {
		assertThat(this.guard.disagreement("Flights to Lisbon from Porto", "Flights from Porto to Lisbon")).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "2024, true", "v1.2, true", "config/app.yml, true", "E_CONN, true", "getUserName, true",
			"AWS, true", "S3, true", "Python, false", "python, false", "well-known, false", "don't, false" })
	void numbersAndIdentifiersByShape(String token, boolean expected) {
		assertThat(SemanticGuard.isNumberOrIdentifier(token)).isEqualTo(expected);
	}

}
