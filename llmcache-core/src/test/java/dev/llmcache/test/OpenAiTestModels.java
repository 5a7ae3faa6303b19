package dev.llmcache.test;

import java.time.Duration;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * The real Spring AI {@link OpenAiChatModel} (backed by the official OpenAI Java SDK)
 * pointed at a {@link MockOpenAiServer}: dummy API key, model {@value #DEFAULT_MODEL},
 * no retries (so request counts are exact), 30 s timeout.
 *
 * <p>
 * Note (Spring AI 2.0.1): {@link OpenAiChatModel} uses a {@code Prompt}'s own options
 * as they are, without merging the model's default options; a {@code Prompt} with
 * options but no model asks for {@link OpenAiChatOptions#DEFAULT_CHAT_MODEL}. The model
 * never executes tool calls itself (no {@code internalToolExecutionEnabled} option any
 * more): tool calls come back in the {@code AssistantMessage}.
 */
public final class OpenAiTestModels {

	public static final String DEFAULT_MODEL = MockOpenAiServer.DEFAULT_MODEL;

	public static final String API_KEY = "test-api-key";

	public static final Duration TIMEOUT = Duration.ofSeconds(30);

	private OpenAiTestModels() {
	}

	/**
	 * Options for the mock server (base URL, API key, model, {@code maxRetries(0)},
	 * timeout), to adjust before building a model with
	 * {@code OpenAiChatModel.builder().options(...)}.
	 */
	public static OpenAiChatOptions.Builder options(MockOpenAiServer server, String model) {
		return OpenAiChatOptions.builder()
			.baseUrl(server.baseUrl())
			.apiKey(API_KEY)
			.model(model)
			.maxRetries(0)
			.timeout(TIMEOUT);
	}

	/** A chat model for the mock server with model {@value #DEFAULT_MODEL}. */
	public static OpenAiChatModel chatModel(MockOpenAiServer server) {
		return chatModel(server, DEFAULT_MODEL);
	}

	/** A chat model for the mock server with the given model. */
	public static OpenAiChatModel chatModel(MockOpenAiServer server, String model) {
		return OpenAiChatModel.builder().options(options(server, model).build()).build();
	}

	/** {@code ChatClient.create(chatModel(server))}. */
	public static ChatClient chatClient(MockOpenAiServer server) {
		return ChatClient.create(chatModel(server));
	}

}
