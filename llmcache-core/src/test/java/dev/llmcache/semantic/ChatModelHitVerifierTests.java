package dev.llmcache.semantic;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ChatModelHitVerifier} with the real Spring AI OpenAI client against the counting mock
 * server: the judge is asked only in the grey band, once per pair, and a failure rejects without
 * being remembered.
 */
class ChatModelHitVerifierTests {

	private static final String SAME_A = "What is the capital of France?";

	private static final String SAME_B = "Which city is the capital of France?";

	private final MockOpenAiServer server = MockOpenAiServer.start();

	{
		// The judge's "opinion": the same question when both mention "capital", otherwise not.
		this.server.setResponder((request) -> {
			String question = request.lastUserMessage();
			return (question.split("capital", -1).length == 3) ? "YES" : "No.";
		});
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ChatModelHitVerifier verifier(double confident) {
		return new ChatModelHitVerifier(OpenAiTestModels.chatModel(this.server), null, confident, 1000);
	}

	@Test
	void aConfidentCandidateIsAcceptedWithoutAsking() {
		ChatModelHitVerifier verifier = verifier(0.95);
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.97)).isTrue();
		assertThat(this.server.requestCount()).isZero();
		assertThat(verifier.counts()).isEqualTo(new ChatModelHitVerifier.Counts(1, 0, 0, 0, 0));
	}

	@Test
	void theGreyBandAsksTheJudgeOncePerPair() {
		ChatModelHitVerifier verifier = verifier(0.95);
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.90)).isTrue();
		assertThat(this.server.requestCount()).isEqualTo(1);
		assertThat(this.server.lastRequest().path("messages").get(0).path("content").asString())
			.isEqualTo(ChatModelHitVerifier.INSTRUCTIONS);
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.90)).isTrue();
		assertThat(this.server.requestCount()).as("the verdict is remembered").isEqualTo(1);
		assertThat(verifier.accepts("How do I boil an egg?", "How do I peel an egg?", 0.88)).isFalse();
		assertThat(verifier.accepts("How do I boil an egg?", "How do I peel an egg?", 0.88)).isFalse();
		assertThat(this.server.requestCount()).isEqualTo(2);
		assertThat(verifier.counts()).isEqualTo(new ChatModelHitVerifier.Counts(0, 2, 1, 1, 0));
		assertThat(verifier.counts().asked()).isEqualTo(2);
	}

	@Test
	void aFailedCallRejectsAndIsAskedAgain() {
		ChatModelHitVerifier verifier = verifier(0.95);
		this.server.failNextRequests(1, 500);
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.90)).isFalse();
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.90)).isTrue();
		assertThat(this.server.requestCount()).isEqualTo(2);
		assertThat(verifier.counts()).isEqualTo(new ChatModelHitVerifier.Counts(0, 0, 1, 0, 1));
	}

	@Test
	void anAnswerThatIsNeitherYesNorNoRejects() {
		this.server.setResponder((request) -> "It depends.");
		ChatModelHitVerifier verifier = verifier(0.95);
		assertThat(verifier.accepts(SAME_B, SAME_A, 0.90)).isFalse();
		assertThat(verifier.counts().failed()).isEqualTo(1);
	}

	@Test
	void theJudgeIsTheModelTheApplicationNames() {
		ChatModelHitVerifier verifier = new ChatModelHitVerifier(OpenAiTestModels.chatModel(this.server),
				OpenAiTestModels.options(this.server, "gpt-4.1-nano").build(), 0.95, 1000);
		verifier.accepts(SAME_B, SAME_A, 0.90);
		assertThat(this.server.lastRequest().path("model").asString()).isEqualTo("gpt-4.1-nano");
	}

	@Test
	void inTheMatcherTheJudgeRunsAfterTheGuards() {
		SemanticMatcher matcher = new SemanticMatcher(
				new EmbeddingCache(new VectorStoreSemanticIndexTests.FixedEmbeddingModel(java.util.Map.of()), 10),
				SemanticGuard.defaults(),
				verifier(0.95));
		assertThat(matcher.rejection("How do I turn off dark mode?", "How do I turn on dark mode?", 0.9, 0.85))
			.isEqualTo("polarity");
		assertThat(this.server.requestCount()).as("a guard's rejection costs no judge call").isZero();
		assertThat(matcher.rejection("How do I boil an egg quickly?", "How do I boil an egg fast?", 0.9, 0.85))
			.isEqualTo("verifier");
		assertThat(this.server.requestCount()).isEqualTo(1);
	}

	@Test
	void invalidSettingsFailClearly() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatModelHitVerifier(OpenAiTestModels.chatModel(this.server), null, 0, 10))
			.withMessage("llmcache: the verifier's confident similarity must be in (0, 1], was 0.0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatModelHitVerifier(OpenAiTestModels.chatModel(this.server), (ChatOptions) null,
					0.9, -1))
			.withMessage("llmcache: the verifier's verdict cache size must be >= 0, was -1");
	}

	@Test
	void parsesYesAndNo() {
		assertThat(ChatModelHitVerifier.parse(" Yes, both ask the same.")).isTrue();
		assertThat(ChatModelHitVerifier.parse("NO")).isFalse();
		assertThat(ChatModelHitVerifier.parse("maybe")).isNull();
		assertThat(ChatModelHitVerifier.parse(null)).isNull();
	}

}
