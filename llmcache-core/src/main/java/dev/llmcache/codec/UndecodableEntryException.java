package dev.llmcache.codec;

/**
 * Stored bytes that cannot become a value of the expected type: garbage, a truncated write, an
 * unknown format version or a type that no longer fits the method. Always handled as a miss.
 */
public class UndecodableEntryException extends RuntimeException {

	public UndecodableEntryException(String message) {
		super(message);
	}

	public UndecodableEntryException(String message, Throwable cause) {
		super(message, cause);
	}

}
