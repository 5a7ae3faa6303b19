package dev.llmcache.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.openai.errors.OpenAIIoException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link MockOpenAiServer} driven by the real Spring AI {@link OpenAiChatModel} (OpenAI
 * Java SDK over OkHttp), built by {@link OpenAiTestModels}.
 */
class MockOpenAiServerTests {

	private static MockOpenAiServer server;

	private static OpenAiChatModel model;

	@BeforeAll
	static void startServer() {
		server = MockOpenAiServer.start();
		model = OpenAiTestModels.chatModel(server);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@BeforeEach
	void reset() {
		server.reset();
	}

	@Test
	void baseUrlIsWhereTheSdkAppendsChatCompletions() {
		assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
	}

	@Test
	void aCallReturnsTheDeterministicAnswerAndIsCounted() {
		assertThat(server.requestCount()).isZero();

		ChatResponse response = model.call(new Prompt("What is Redis?"));

		assertThat(response.getResult().getOutput().getText())
			.isEqualTo("Answer to: What is Redis? (model=gpt-4o-mini, temperature=none)")
			.isEqualTo(MockOpenAiServer.expectedAnswer("What is Redis?"));
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(server.requestBodies()).singleElement().asString().contains("What is Redis?");
		assertThat(response.getMetadata().getId()).isEqualTo("chatcmpl-mock-1");
		assertThat(response.getMetadata().getModel()).isEqualTo("gpt-4o-mini");
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
	}

	@Test
	void usageIsMapped() {
		String answer = MockOpenAiServer.expectedAnswer("Hi");
		ChatResponse response = model.call(new Prompt(List.of(new SystemMessage("Be brief."), new UserMessage("Hi"))));

		Usage usage = response.getMetadata().getUsage();
		int promptTokens = (int) Math.ceil(("Be brief.".length() + "Hi".length()) / 4.0);
		int completionTokens = (int) Math.ceil(answer.length() / 4.0);
		assertThat(usage.getPromptTokens()).isEqualTo(promptTokens);
		assertThat(usage.getCompletionTokens()).isEqualTo(completionTokens);
		assertThat(usage.getTotalTokens()).isEqualTo(promptTokens + completionTokens);
	}

	@Test
	void modelAndTemperatureAreEchoed() {
		OpenAiChatModel other = OpenAiTestModels.chatModel(server, "gpt-4.1-nano");
		ChatResponse response = other.call(new Prompt("Which model?"));
		assertThat(response.getResult().getOutput().getText())
			.isEqualTo("Answer to: Which model? (model=gpt-4.1-nano, temperature=none)");
		assertThat(response.getMetadata().getModel()).isEqualTo("gpt-4.1-nano");

		response = model
			.call(new Prompt("Warm?", OpenAiChatOptions.builder().model("gpt-4.1-nano").temperature(0.7).build()));
		assertThat(response.getResult().getOutput().getText())
			.isEqualTo("Answer to: Warm? (model=gpt-4.1-nano, temperature=0.7)")
			.isEqualTo(MockOpenAiServer.expectedAnswer("Warm?", "gpt-4.1-nano", 0.7));
		JsonNode request = server.lastRequest();
		assertThat(request).isNotNull();
		assertThat(request.path("model").asString()).isEqualTo("gpt-4.1-nano");
		assertThat(request.path("temperature").asDouble()).isEqualTo(0.7);
	}

	@Test
	void promptOptionsReplaceTheModelsDefaultOptions() {
		// Spring AI 2.0.1 OpenAiChatModel: options on the Prompt are used as they are, not
		// merged with the model's defaults, so a Prompt with options but no model asks
		// for OpenAiChatOptions.DEFAULT_CHAT_MODEL, not for the model's gpt-4o-mini.
		ChatResponse response = model.call(new Prompt("Defaults?", OpenAiChatOptions.builder().temperature(0.2).build()));
		assertThat(response.getResult().getOutput().getText()).isEqualTo(MockOpenAiServer.expectedAnswer("Defaults?",
				OpenAiChatOptions.DEFAULT_CHAT_MODEL, 0.2));
	}

	@Test
	void theLastUserMessageIsAnswered() {
		Prompt prompt = new Prompt(List.of(new UserMessage("first"), new AssistantMessage("reply"),
				new UserMessage("second")));
		assertThat(model.call(prompt).getResult().getOutput().getText())
			.isEqualTo(MockOpenAiServer.expectedAnswer("second"));
	}

	@Test
	void finishReasonLengthArrivesInTheMetadata() {
		server.setFinishReason("length");
		ChatResponse response = model.call(new Prompt("Long story?"));
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("length");

		server.setFinishReason("content_filter");
		response = model.call(new Prompt("Bad words?"));
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("content_filter");
	}

	@Test
	void aToolCallReplyArrivesAsAnAssistantMessageWithToolCalls() {
		// Spring AI 2.0.1's OpenAiChatModel never executes tools itself (that moved to
		// the ToolCallingAdvisor of ChatClient), so the tool call comes back as is.
		server.replyWithToolCall(true);

		ChatResponse response = model.call(new Prompt("Weather in Paris?"));

		AssistantMessage output = response.getResult().getOutput();
		assertThat(output.hasToolCalls()).isTrue();
		assertThat(output.getToolCalls()).singleElement().satisfies(call -> {
			assertThat(call.id()).isEqualTo("call_mock_1");
			assertThat(call.type()).isEqualTo("function");
			assertThat(call.name()).isEqualTo(MockOpenAiServer.TOOL_NAME);
			assertThat(call.arguments()).isEqualTo(MockOpenAiServer.TOOL_ARGUMENTS);
		});
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("tool_calls");
		assertThat(server.requestCount()).isEqualTo(1);
	}

	@Test
	void setContentAndResponderChooseTheContent() {
		server.setContent("a fixed answer");
		assertThat(model.call(new Prompt("Anything?")).getResult().getOutput().getText()).isEqualTo("a fixed answer");

		server.setResponder(request -> request.number() + ":" + request.lastUserMessage().toUpperCase());
		assertThat(model.call(new Prompt("shout")).getResult().getOutput().getText()).isEqualTo("2:SHOUT");

		server.reset();
		assertThat(model.call(new Prompt("plain")).getResult().getOutput().getText())
			.isEqualTo(MockOpenAiServer.expectedAnswer("plain"));
	}

	@Test
	void streamingDeliversSeveralChunksThatJoinToTheAnswer() {
		String question = "Stream me a sentence please";
		List<ChatResponse> responses = model.stream(new Prompt(question)).collectList().block(Duration.ofSeconds(10));

		assertThat(responses).isNotNull();
		List<String> texts = responses.stream()
			.filter(response -> response.getResult() != null)
			.map(response -> response.getResult().getOutput().getText())
			.filter(Objects::nonNull)
			.filter(text -> !text.isEmpty())
			.toList();
		assertThat(texts).hasSizeGreaterThanOrEqualTo(5);
		assertThat(String.join("", texts)).isEqualTo(MockOpenAiServer.expectedAnswer(question));
		assertThat(responses).anySatisfy(response -> assertThat(response.getResult()).isNotNull()
			.satisfies(result -> assertThat(result.getMetadata().getFinishReason()).isEqualToIgnoringCase("stop")));
		assertThat(responses).anySatisfy(response -> assertThat(response.getMetadata().getUsage().getTotalTokens())
			.isGreaterThan(0));
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(server.lastRequest().path("stream").asBoolean()).isTrue();
	}

	@Test
	void streamingToolCallsAreMerged() {
		server.replyWithToolCall(true);
		List<ChatResponse> responses = model.stream(new Prompt("Weather?")).collectList().block(Duration.ofSeconds(10));

		assertThat(responses).isNotNull();
		List<AssistantMessage.ToolCall> calls = responses.stream()
			.filter(response -> response.getResult() != null)
			.flatMap(response -> response.getResult().getOutput().getToolCalls().stream())
			.toList();
		assertThat(calls).singleElement().satisfies(call -> {
			assertThat(call.name()).isEqualTo(MockOpenAiServer.TOOL_NAME);
			assertThat(call.arguments()).isEqualTo(MockOpenAiServer.TOOL_ARGUMENTS);
		});
	}

	@Test
	void failStreamAfterChunksMakesTheFluxError() {
		server.failStreamAfterChunks(2);
		List<String> received = Collections.synchronizedList(new ArrayList<>());

		assertThatThrownBy(() -> model.stream(new Prompt("Break this stream please"))
			.doOnNext(response -> {
				if (response.getResult() != null && response.getResult().getOutput().getText() != null) {
					received.add(response.getResult().getOutput().getText());
				}
			})
			.blockLast(Duration.ofSeconds(10))).isInstanceOf(OpenAIIoException.class);

		assertThat(String.join("", received)).isEqualTo("Answer to:");
		assertThat(server.requestCount()).isEqualTo(1);

		server.failStreamAfterChunks(-1);
		String all = model.stream(new Prompt("Now whole"))
			.map(response -> (response.getResult() != null && response.getResult().getOutput().getText() != null)
					? response.getResult().getOutput().getText() : "")
			.collect(Collectors.joining())
			.block(Duration.ofSeconds(10));
		assertThat(all).isEqualTo(MockOpenAiServer.expectedAnswer("Now whole"));
	}

	@Test
	void failNextRequestsMakesTheCallThrowThenRecovers() {
		server.failNextRequests(2, 500);

		assertThatThrownBy(() -> model.call(new Prompt("Flaky?"))).hasMessageContaining("500");
		assertThatThrownBy(() -> model.call(new Prompt("Flaky?"))).hasMessageContaining("500");
		assertThat(server.requestCount()).isEqualTo(2);

		assertThat(model.call(new Prompt("Flaky?")).getResult().getOutput().getText())
			.isEqualTo(MockOpenAiServer.expectedAnswer("Flaky?"));
		assertThat(server.requestCount()).isEqualTo(3);

		server.failNextRequests(1, 429);
		assertThatThrownBy(() -> model.call(new Prompt("Too fast?"))).hasMessageContaining("429");
		assertThat(server.requestCount()).isEqualTo(4);
	}

	@Test
	void concurrentRequestsAreServedConcurrently() {
		server.setDelay(Duration.ofMillis(400));
		ExecutorService callers = Executors.newFixedThreadPool(6);
		List<String> answers;
		long millis;
		try {
			long start = System.nanoTime();
			List<CompletableFuture<String>> calls = IntStream.range(0, 6)
				.mapToObj(i -> CompletableFuture.supplyAsync(
						() -> model.call(new Prompt("Parallel " + i)).getResult().getOutput().getText(), callers))
				.toList();
			answers = calls.stream().map(CompletableFuture::join).toList();
			millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		}
		finally {
			callers.shutdownNow();
		}

		assertThat(answers).containsExactlyInAnyOrderElementsOf(
				IntStream.range(0, 6).mapToObj(i -> MockOpenAiServer.expectedAnswer("Parallel " + i)).toList());
		assertThat(server.requestCount()).isEqualTo(6);
		assertThat(millis).as("6 calls of 400 ms each, served in parallel").isGreaterThanOrEqualTo(400).isLessThan(1800);
	}

	@Test
	void chatClientWorksAgainstTheMock() {
		String content = OpenAiTestModels.chatClient(server).prompt().user("Hello there").call().content();
		assertThat(content).isEqualTo(MockOpenAiServer.expectedAnswer("Hello there"));
		assertThat(server.requestCount()).isEqualTo(1);
	}

}
