package dev.llmcache.sample;

import dev.llmcache.annotation.LlmCached;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * The annotated path: a plain ChatClient call inside an {@code @LlmCached} method, with the
 * semantic tier on. It returns the whole {@link ChatResponse}, so a hit also knows the tokens the
 * original call consumed.
 */
@Service
public class AssistantService {

	public static final String NAMESPACE = "faq";

	private static final String SYSTEM = "You are a concise support assistant. Answer in one or two sentences.";

	private final ChatClient chat;

	public AssistantService(@Qualifier("plainChatClient") ChatClient chat) {
		this.chat = chat;
	}

	// semantic = true: a paraphrase of a question asked before ("Which city is the capital of
	// France?") is answered from cache (WorkloadRunner.PARAPHRASES), while the guards keep its
	// near-misses apart ("...of Spain?", "10 miles to km" for "10 km to miles"). The embeddings come
	// from the offline model of llmcache-embedding-onnx, a dependency of this sample.
	@LlmCached(namespace = NAMESPACE, semantic = true)
	public ChatResponse ask(String question) {
		return this.chat.prompt().system(SYSTEM).user(question).call().chatResponse();
	}

}
