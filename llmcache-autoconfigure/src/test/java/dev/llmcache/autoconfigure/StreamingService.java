package dev.llmcache.autoconfigure;

import java.util.concurrent.CompletableFuture;

import dev.llmcache.annotation.LlmCached;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Asynchronous and streaming return types as Spring AI applications write them.
 */
public class StreamingService {

	private final ChatModel chatModel;

	public StreamingService(ChatModel chatModel) {
		this.chatModel = chatModel;
	}

	@LlmCached
	public CompletableFuture<String> askLater(String question) {
		return CompletableFuture.supplyAsync(() -> this.chatModel.call(question));
	}

	@LlmCached
	public Mono<String> askMono(String question) {
		return Mono.fromCallable(() -> this.chatModel.call(question)).subscribeOn(Schedulers.boundedElastic());
	}

	@LlmCached
	public Flux<String> streamText(String question) {
		return ChatClient.create(this.chatModel).prompt().user(question).stream().content();
	}

	@LlmCached
	public Flux<ChatResponse> streamResponses(Prompt prompt) {
		return this.chatModel.stream(prompt);
	}

}
