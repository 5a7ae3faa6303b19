package dev.llmcache.engine;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * Records the chunks of a streamed answer as they pass to the caller, and assembles the whole
 * answer once the stream completes: the text joined, and for {@code ChatResponse} chunks the last
 * finish reason, usage, model and id the provider sent.
 *
 * <p>Not thread-safe: a Reactor stream delivers its signals one at a time.
 */
final class StreamRecorder {

	private final boolean chatResponses;

	private final StringBuilder text = new StringBuilder();

	private @Nullable String finishReason;

	private @Nullable Usage usage;

	private @Nullable String model;

	private @Nullable String id;

	private boolean toolCalls;

	StreamRecorder(boolean chatResponses) {
		this.chatResponses = chatResponses;
	}

	void add(Object chunk) {
		if (chunk instanceof ChatResponse response) {
			addResponse(response);
		}
		else if (chunk instanceof CharSequence part) {
			this.text.append(part);
		}
	}

	private void addResponse(ChatResponse response) {
		ChatResponseMetadata metadata = response.getMetadata();
		if (metadata.getModel() != null && !metadata.getModel().isEmpty()) {
			this.model = metadata.getModel();
		}
		if (metadata.getId() != null && !metadata.getId().isEmpty()) {
			this.id = metadata.getId();
		}
		Usage chunkUsage = metadata.getUsage();
		if (chunkUsage != null && chunkUsage.getTotalTokens() != null && chunkUsage.getTotalTokens() > 0) {
			this.usage = chunkUsage;
		}
		Generation generation = response.getResult();
		if (generation == null) {
			return;
		}
		String part = generation.getOutput().getText();
		if (part != null) {
			this.text.append(part);
		}
		this.toolCalls |= generation.getOutput().hasToolCalls();
		String reason = generation.getMetadata().getFinishReason();
		if (reason != null && !reason.isEmpty()) {
			this.finishReason = reason;
		}
	}

	/**
	 * The whole answer, or null when it must not be stored (tool calls, which a replay would repeat).
	 */
	@Nullable Object result() {
		if (!this.chatResponses) {
			return this.text.toString();
		}
		if (this.toolCalls) {
			return null;
		}
		AssistantMessage message = new AssistantMessage(this.text.toString());
		ChatGenerationMetadata generationMetadata = ChatGenerationMetadata.builder()
			.finishReason(this.finishReason)
			.build();
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder();
		if (this.model != null) {
			metadata.model(this.model);
		}
		if (this.id != null) {
			metadata.id(this.id);
		}
		if (this.usage != null) {
			metadata.usage(this.usage);
		}
		return new ChatResponse(List.of(new Generation(message, generationMetadata)), metadata.build());
	}

	/**
	 * A stored answer cut into chunks for a replay that looks like a live stream.
	 * @param chunkChars characters per chunk; 0 or less for one chunk
	 */
	static List<Object> chunks(Object stored, int chunkChars) {
		if (stored instanceof ChatResponse response) {
			return chatChunks(response, chunkChars);
		}
		String text = (String) stored;
		if (chunkChars <= 0 || text.length() <= chunkChars) {
			return List.of(text);
		}
		List<Object> chunks = new ArrayList<>();
		for (int i = 0; i < text.length(); i += chunkChars) {
			chunks.add(text.substring(i, Math.min(text.length(), i + chunkChars)));
		}
		return chunks;
	}

	private static List<Object> chatChunks(ChatResponse response, int chunkChars) {
		Generation generation = response.getResult();
		String text = (generation != null) ? generation.getOutput().getText() : null;
		if (generation == null || text == null || chunkChars <= 0 || text.length() <= chunkChars) {
			return List.of(response);
		}
		List<Object> chunks = new ArrayList<>();
		for (int i = 0; i < text.length(); i += chunkChars) {
			boolean last = i + chunkChars >= text.length();
			String part = text.substring(i, Math.min(text.length(), i + chunkChars));
			if (last) {
				chunks.add(new ChatResponse(List.of(new Generation(new AssistantMessage(part), generation.getMetadata())),
						response.getMetadata()));
			}
			else {
				chunks.add(new ChatResponse(List.of(new Generation(new AssistantMessage(part)))));
			}
		}
		return chunks;
	}

}
