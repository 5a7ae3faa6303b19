package dev.llmcache.interceptor;

/**
 * How a cached method hands over its result.
 */
public enum ReturnKind {

	/** The value itself. */
	VALUE,

	/** A {@code CompletableFuture} (or {@code CompletionStage}) of the value. */
	FUTURE,

	/** A Reactor {@code Mono} of the value. */
	MONO,

	/** A Reactor {@code Flux} of {@code String} chunks. */
	FLUX_OF_STRING,

	/** A Reactor {@code Flux} of Spring AI {@code ChatResponse} chunks. */
	FLUX_OF_CHAT_RESPONSE

}
