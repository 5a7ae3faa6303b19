package dev.llmcache.autoconfigure;

import java.util.concurrent.CompletableFuture;

import dev.llmcache.annotation.LlmCached;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A bean with {@code @Async} and {@code @LlmCached} methods side by side, as an application with
 * Spring's asynchronous execution writes it: which executor runs what, and whether caching still
 * applies on the same bean.
 */
public class AsyncWorker {

	private final ChatModel chatModel;

	public AsyncWorker(ChatModel chatModel) {
		this.chatModel = chatModel;
	}

	/** The name of the thread {@code @Async} ran this on. */
	@Async
	public CompletableFuture<String> threadName() {
		return CompletableFuture.completedFuture(Thread.currentThread().getName());
	}

	@LlmCached
	public String ask(String question) {
		return this.chatModel.call(question);
	}

	@LlmCached
	public CompletableFuture<String> askLater(String question) {
		return CompletableFuture.supplyAsync(() -> this.chatModel.call(question));
	}

	/** {@code @EnableAsync} and the worker over the context's {@link ChatModel}. */
	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	public static class AsyncWorkerConfiguration {

		@Bean
		AsyncWorker asyncWorker(ChatModel chatModel) {
			return new AsyncWorker(chatModel);
		}

	}

}
