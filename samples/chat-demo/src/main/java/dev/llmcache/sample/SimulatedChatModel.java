package dev.llmcache.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * An offline stand-in for a chat model, so the demo runs with no API key: it says it is simulated
 * in every answer, gives the same answer to the same prompt every time, takes about as long as a
 * real model (configurable) and reports token usage estimated as four characters per token.
 * Thread-safe.
 */
public class SimulatedChatModel implements ChatModel {

	public static final String MODEL = "simulated-model";

	public static final String PREFIX = "[simulated model] ";

	private static final Map<String, String> KNOWN = Map.ofEntries(
			Map.entry("what is the capital of france?", "Paris is the capital of France."),
			Map.entry("what is the capital of spain?", "Madrid is the capital of Spain."),
			Map.entry("what is redis?",
					"Redis is an in-memory data store, used as a cache, a message broker and a database."),
			Map.entry("how do i reset my password?",
					"Open Settings, choose Security, then Reset password, and follow the link we e-mail you."),
			Map.entry("convert 10 km to miles", "10 km is about 6.21 miles."),
			Map.entry("convert 10 miles to km", "10 miles is about 16.09 km."),
			Map.entry("what does llmcache do?",
					"llmcache answers repeated LLM requests from a cache: in-process (L1), Redis (L2) and, soon, by meaning."));

	private final Duration latency;

	public SimulatedChatModel(Duration latency) {
		this.latency = latency;
	}

	public Duration latency() {
		return this.latency;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		sleep(this.latency);
		String answer = answer(prompt);
		return response(answer, "STOP", usage(prompt, answer));
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		String answer = answer(prompt);
		List<String> words = words(answer);
		Duration perChunk = this.latency.dividedBy(words.size() + 1);
		DefaultUsage usage = usage(prompt, answer);
		return Flux.range(0, words.size())
			.delayElements(perChunk)
			.map(i -> (i < words.size() - 1) ? response(words.get(i), null, null)
					: response(words.get(i), "STOP", usage));
	}

	@Override
	public ChatOptions getOptions() {
		return ChatOptions.builder().model(MODEL).build();
	}

	static String answer(Prompt prompt) {
		UserMessage user = prompt.getUserMessage();
		String question = (user.getText() != null) ? user.getText().strip() : "";
		String known = KNOWN.get(question.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
		if (known != null) {
			return PREFIX + known;
		}
		return PREFIX + "A real model would answer \"" + question + "\" here. This offline stand-in gives the "
				+ "same answer to the same prompt every time, after a realistic pause, so you can watch the cache work.";
	}

	private static DefaultUsage usage(Prompt prompt, String answer) {
		int input = 0;
		for (Message message : prompt.getInstructions()) {
			input += tokens(message.getText()) + 3;
		}
		return new DefaultUsage(input, tokens(answer));
	}

	private static int tokens(String text) {
		return (text != null) ? Math.max(1, (text.length() + 3) / 4) : 0;
	}

	private static ChatResponse response(String text, String finishReason, DefaultUsage usage) {
		ChatGenerationMetadata metadata = (finishReason != null)
				? ChatGenerationMetadata.builder().finishReason(finishReason).build() : ChatGenerationMetadata.NULL;
		ChatResponseMetadata.Builder responseMetadata = ChatResponseMetadata.builder().model(MODEL);
		if (usage != null) {
			responseMetadata.usage(usage);
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text), metadata)),
				responseMetadata.build());
	}

	private static List<String> words(String answer) {
		List<String> words = new ArrayList<>();
		int start = 0;
		for (int i = 1; i <= answer.length(); i++) {
			if (i == answer.length() || answer.charAt(i) == ' ') {
				words.add(answer.substring(start, i));
				start = i;
			}
		}
		return words;
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while simulating a model call", ex);
		}
	}

}
