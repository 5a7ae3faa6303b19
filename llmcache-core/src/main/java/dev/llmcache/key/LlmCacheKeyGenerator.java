package dev.llmcache.key;

import java.lang.reflect.Method;

/**
 * Strategy that turns a {@link KeyRequest} into the {@link CacheKey} its result is stored under,
 * the llmcache counterpart of Spring's {@code KeyGenerator}.
 *
 * <p>Two requests must get the same key exactly when a model would be expected to give them the
 * same answer; and a key must not depend on the JVM, the JDK version, the default locale or time
 * zone, or the order of hash-based collections, because keys are shared through Redis by every
 * instance of an application and survive restarts and upgrades.
 *
 * <p>Implementations must be thread-safe.
 *
 * @see DefaultLlmCacheKeyGenerator
 */
public interface LlmCacheKeyGenerator {

	/**
	 * @throws KeyGenerationException if an argument cannot be made canonical
	 */
	CacheKey generate(KeyRequest request);

	/**
	 * The key and, for a request that {@linkplain KeyRequest#stripTokens() strips tokens}, the
	 * caller's tokens behind the key's placeholders. The default strips nothing.
	 * @throws KeyGenerationException if an argument cannot be made canonical
	 */
	default PlaceholderKey generateWithPlaceholders(KeyRequest request) {
		return new PlaceholderKey(generate(request), Placeholders.NONE);
	}

	/**
	 * The canonical text the key hash is computed over, to explain a key or to test a generator.
	 * @throws KeyGenerationException if an argument cannot be made canonical
	 */
	String canonicalForm(KeyRequest request);

	/**
	 * Checks once, at startup, that keys can be built for calls of the given method, so that a
	 * method taking an argument that can never be made canonical fails fast rather than on its
	 * first call. The default accepts every method.
	 * @throws KeyGenerationException naming the method and the parameter if they cannot be
	 */
	default void validate(Method method) {
	}

}
