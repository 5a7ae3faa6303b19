package dev.llmcache.policy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

class CacheabilityPolicyTests {

	private final CacheabilityPolicy policy = CacheabilityPolicy.defaults();

	@Test
	void aCallWithoutTemperatureIsCacheable() {
		assertThat(this.policy.isCacheableRequest(new Object[] { "hi", new Prompt("hi") }, 0.0)).isTrue();
	}

	@Test
	void theHighestRequestedTemperatureDecides() {
		Prompt cold = new Prompt("hi", ChatOptions.builder().temperature(0.0).build());
		Prompt hot = new Prompt("hi", ChatOptions.builder().temperature(0.9).build());
		assertThat(this.policy.isCacheableRequest(new Object[] { cold }, 0.0)).isTrue();
		assertThat(this.policy.isCacheableRequest(new Object[] { cold, hot }, 0.0)).isFalse();
		assertThat(this.policy.isCacheableRequest(new Object[] { hot }, 1.0)).isTrue();
		assertThat(this.policy.isCacheableRequest(new Object[] { ChatOptions.builder().temperature(0.3).build() }, 0.2))
			.isFalse();
	}

	@Test
	void nullBlankAndEmptyResultsAreNotStored() {
		assertThat(this.policy.reasonNotToStore(null)).isEqualTo("null result");
		assertThat(this.policy.reasonNotToStore(" \n")).isEqualTo("blank result");
		assertThat(this.policy.reasonNotToStore(List.of())).isEqualTo("empty result");
		assertThat(this.policy.reasonNotToStore("Paris")).isNull();
	}

	@Test
	void onlyNormallyFinishedResponsesAreStored() {
		assertThat(this.policy.reasonNotToStore(response("Paris", "STOP"))).isNull();
		assertThat(this.policy.reasonNotToStore(response("Paris", null))).isNull();
		assertThat(this.policy.reasonNotToStore(response("Par", "LENGTH"))).isEqualTo("finish reason LENGTH");
		assertThat(this.policy.reasonNotToStore(response("", "CONTENT_FILTER")))
			.isEqualTo("finish reason CONTENT_FILTER");
		assertThat(this.policy.reasonNotToStore(response("  ", "STOP"))).isEqualTo("blank result");
	}

	@Test
	void toolCallsAreStoredOnlyWhenAllowed() {
		AssistantMessage call = AssistantMessage.builder()
			.content("")
			.toolCalls(List.of(new AssistantMessage.ToolCall("1", "function", "weather", "{}")))
			.build();
		ChatResponse response = new ChatResponse(
				List.of(new Generation(call, ChatGenerationMetadata.builder().finishReason("TOOL_CALLS").build())));
		assertThat(this.policy.reasonNotToStore(response)).isEqualTo("tool calls");
		assertThat(new CacheabilityPolicy(CacheabilityPolicy.DEFAULT_NORMAL_FINISH_REASONS, true)
			.reasonNotToStore(response)).isNull();
	}

	private static ChatResponse response(String text, String finishReason) {
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text),
				ChatGenerationMetadata.builder().finishReason(finishReason).build())));
	}

}
