package dev.llmcache.key;

/**
 * Thrown when a call holds something a key cannot make canonical but that is not a mistake of the
 * method's signature (a chat option such as a tool context holding application objects): the call
 * is valid, it just cannot share an answer, so callers bypass the cache for it instead of failing.
 */
public class UncacheableCallException extends KeyGenerationException {

	private static final long serialVersionUID = 1L;

	public UncacheableCallException(String message) {
		super(message);
	}

}
