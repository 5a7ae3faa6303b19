package dev.llmcache.codec;

/**
 * How a cached value is written into the payload of a stored envelope.
 */
public enum ValueKind {

	/** A {@link String}: stored as a JSON string. */
	STRING,

	/** A Spring AI {@code ChatResponse}: stored as our own neutral JSON form, never the provider's. */
	CHAT_RESPONSE,

	/** Anything Jackson can write and read back with the declared generic type. */
	JSON;

	/** The name written into the envelope; part of the stored format, so never renamed. */
	public String storedName() {
		return switch (this) {
			case STRING -> "string";
			case CHAT_RESPONSE -> "chat-response";
			case JSON -> "json";
		};
	}

}
