package dev.llmcache.key;

/**
 * Thrown when no key can be built for a call: an argument has no canonical form. The message
 * names the method and the parameter and says how to fix it.
 */
public class KeyGenerationException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public KeyGenerationException(String message) {
		super(message);
	}

	public KeyGenerationException(String message, Throwable cause) {
		super(message, cause);
	}

}
