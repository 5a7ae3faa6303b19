package dev.llmcache.interceptor;

/**
 * How a cached method hands over its result.
 */
public enum ReturnKind {

	/** The value itself. */
	VALUE,

	/** A {@code CompletableFuture} (or {@code CompletionStage}) of the value. */
	FUTURE,

	/**
	 * A single-valued reactive type ({@code Mono}, or any other that Spring's
	 * {@code ReactiveAdapterRegistry} knows) of the value.
	 */
	SINGLE,

	/** A multi-valued reactive type ({@code Flux} or another the registry knows) of {@code String} chunks. */
	STREAM_OF_STRING,

	/** A multi-valued reactive type of Spring AI {@code ChatResponse} chunks. */
	STREAM_OF_CHAT_RESPONSE

}
