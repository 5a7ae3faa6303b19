package dev.llmcache.sample;

import java.util.List;

import dev.llmcache.test.MockOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code openai} profile wires Spring AI's real OpenAI client (here pointed at the mock server),
 * and both the annotated and the advisor path cache it.
 */
@SpringBootTest(properties = { DemoTestProperties.NO_STARTUP_WORKLOAD, "spring.ai.openai.chat.max-retries=0" })
@ActiveProfiles("openai")
class OpenAiProfileTests {

	private static MockOpenAiServer server;

	@Autowired
	ChatModel chatModel;

	@Autowired
	AssistantService assistant;

	@Autowired
	AdvisorAssistant advisor;

	@BeforeAll
	static void startServer() {
		server = MockOpenAiServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@DynamicPropertySource
	static void openAi(DynamicPropertyRegistry registry) {
		registry.add("spring.ai.openai.base-url", () -> server.baseUrl());
		registry.add("spring.ai.openai.api-key", () -> "test-api-key");
	}

	private static String textOf(ChatClientResponse response) {
		return (response.chatResponse() != null && response.chatResponse().getResult() != null)
				? response.chatResponse().getResult().getOutput().getText() : null;
	}

	@Test
	void theRealClientIsCachedOnBothPaths() {
		assertThat(this.chatModel).isInstanceOf(OpenAiChatModel.class);
		String first = this.assistant.ask("Profile test").getResult().getOutput().getText();
		String second = this.assistant.ask("Profile test").getResult().getOutput().getText();
		assertThat(second).isEqualTo(first).isEqualTo(MockOpenAiServer.expectedAnswer("Profile test", "gpt-4o-mini", 0.0));
		assertThat(server.requestCount()).isEqualTo(1);
		List<String> live = this.advisor.stream("Streamed profile test")
			.mapNotNull(OpenAiProfileTests::textOf)
			.collectList()
			.block();
		List<String> replayed = this.advisor.stream("Streamed profile test")
			.mapNotNull(OpenAiProfileTests::textOf)
			.collectList()
			.block();
		assertThat(String.join("", replayed)).isEqualTo(String.join("", live));
		assertThat(server.requestCount()).isEqualTo(2);
	}

}
