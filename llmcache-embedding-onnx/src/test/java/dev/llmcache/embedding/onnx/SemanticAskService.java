package dev.llmcache.embedding.onnx;

import dev.llmcache.annotation.LlmCached;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

/** Semantic operations that call a real Spring AI chat model on every invocation. */
public class SemanticAskService {

	private final ChatModel chatModel;

	public SemanticAskService(ChatModel chatModel) {
		this.chatModel = chatModel;
	}

	@LlmCached(semantic = true, namespace = "support")
	public String ask(String question) {
		return this.chatModel.call(question);
	}

	@LlmCached(semantic = true, namespace = "tenants", partition = "#tenant")
	public String askAs(String tenant, String question) {
		return this.chatModel.call(question);
	}

	@LlmCached(semantic = true, namespace = "chat")
	public ChatResponse chat(Prompt prompt) {
		return this.chatModel.call(prompt);
	}

	@LlmCached(semantic = true, namespace = "short", ttl = "PT1S")
	public String shortLived(String question) {
		return this.chatModel.call(question);
	}

	@LlmCached(semantic = true, namespace = "strict", similarityThreshold = 0.99)
	public String strict(String question) {
		return this.chatModel.call(question);
	}

}
