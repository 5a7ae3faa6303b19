package dev.llmcache.sample;

import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * The advisor path: no annotation, the ChatClient's {@code LlmCacheAdvisor} caches both calls and
 * streams (namespace {@code llmcache.advisor.namespace}, "chat-client" by default).
 */
@Service
public class AdvisorAssistant {

	private static final String SYSTEM = "You are a concise support assistant. Answer in one or two sentences.";

	private final ChatClient chat;

	public AdvisorAssistant(@Qualifier("cachingChatClient") ChatClient chat) {
		this.chat = chat;
	}

	public ChatResponse ask(String question) {
		return this.chat.prompt().system(SYSTEM).user(question).call().chatResponse();
	}

	public Flux<ChatClientResponse> stream(String question) {
		return this.chat.prompt().system(SYSTEM).user(question).stream().chatClientResponse();
	}

}
