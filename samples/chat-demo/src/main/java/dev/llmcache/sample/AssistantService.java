package dev.llmcache.sample;

import dev.llmcache.annotation.LlmCached;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * The annotated path: a plain ChatClient call inside an {@code @LlmCached} method. It returns the
 * whole {@link ChatResponse}, so a hit also knows the tokens the original call consumed.
 */
@Service
public class AssistantService {

	public static final String NAMESPACE = "faq";

	private static final String SYSTEM = "You are a concise support assistant. Answer in one or two sentences.";

	private final ChatClient chat;

	public AssistantService(@Qualifier("plainChatClient") ChatClient chat) {
		this.chat = chat;
	}

	// PARAPHRASES: when the semantic tier lands, make this
	// @LlmCached(namespace = NAMESPACE, semantic = true) so that the workload's paraphrases
	// (WorkloadRunner.PARAPHRASES) hit, while its near-misses must still miss.
	@LlmCached(namespace = NAMESPACE)
	public ChatResponse ask(String question) {
		return this.chat.prompt().system(SYSTEM).user(question).call().chatResponse();
	}

}
