package dev.llmcache.key;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceholdersTests {

	private static final String UUID_1 = "123e4567-e89b-12d3-a456-426614174000";

	private static final String UUID_2 = "9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d";

	private final Placeholders first = new Placeholders(List.of(UUID_1, "2024-05-01T10:00Z"));

	private final Placeholders second = new Placeholders(List.of(UUID_2, "2025-01-01T00:00Z"));

	@Test
	void aStoredAnswerCarriesPlaceholdersWhereTheCallersTokensWere() {
		assertThat(this.first.template("Order " + UUID_1 + " was placed at 2024-05-01T10:00Z; " + UUID_1 + " is closed."))
			.isEqualTo("Order \u27e61\u27e7 was placed at \u27e62\u27e7; \u27e61\u27e7 is closed.");
	}

	@Test
	void eachCallerGetsTheirOwnTokensBack() {
		Object stored = this.first.template("Order " + UUID_1 + " at 2024-05-01T10:00Z");
		assertThat(this.second.restore(stored)).isEqualTo("Order " + UUID_2 + " at 2025-01-01T00:00Z");
		assertThat(this.first.restore(stored)).isEqualTo("Order " + UUID_1 + " at 2024-05-01T10:00Z");
	}

	@Test
	void restoringATemplateGivesEveryTextBackUnchanged() {
		List<String> texts = List.of("", "plain", "\u27e6", "\u27e61\u27e7 literal", "\u27e6\u27e7", "\u27e699\u27e7",
				"a \u27e6x\u27e7 b", UUID_1 + UUID_1, "end \u27e6", "\u27e61", "\u27e61\u27e7\u27e62\u27e7" + UUID_1);
		for (String text : texts) {
			assertThat(this.first.restore(this.first.template(text))).as(text).isEqualTo(text);
		}
	}

	@Test
	void aTokenThatContainsAnotherIsReplacedWhole() {
		Placeholders nested = new Placeholders(List.of("order-1", "order-12"));
		assertThat(nested.template("order-12 and order-1")).isEqualTo("\u27e62\u27e7 and \u27e61\u27e7");
	}

	@Test
	void chatResponsesHaveTheTextOfEachGenerationSubstituted() {
		ChatResponse response = new ChatResponse(List.of(new Generation(new AssistantMessage("Order " + UUID_1 + " done"))),
				ChatResponseMetadata.builder().model("gpt-4o-mini").build());
		ChatResponse stored = (ChatResponse) this.first.template(response);
		assertThat(stored.getResult().getOutput().getText()).isEqualTo("Order \u27e61\u27e7 done");
		assertThat(stored.getMetadata().getModel()).isEqualTo("gpt-4o-mini");
		ChatResponse restored = (ChatResponse) this.second.restore(stored);
		assertThat(restored.getResult().getOutput().getText()).isEqualTo("Order " + UUID_2 + " done");
	}

	@Test
	void futuresAndMonosAreSubstitutedWhenTheyComplete() {
		Object future = this.second.restoreAsync(CompletableFuture.completedFuture("Order \u27e61\u27e7"));
		assertThat(((CompletableFuture<?>) future).join()).isEqualTo("Order " + UUID_2);
		Object mono = this.first.templateAsync(Mono.just("Order " + UUID_1));
		assertThat(((Mono<?>) mono).block()).isEqualTo("Order \u27e61\u27e7");
	}

	@Test
	void noTokensChangeNothing() {
		String answer = "Order \u27e61\u27e7 stays";
		assertThat(Placeholders.NONE.template(answer)).isSameAs(answer);
		assertThat(Placeholders.NONE.restore(answer)).isSameAs(answer);
	}

	@Test
	void theTokensAreNeverPrinted() {
		assertThat(this.first.toString()).isEqualTo("Placeholders[2 tokens]").doesNotContain(UUID_1);
	}

}
