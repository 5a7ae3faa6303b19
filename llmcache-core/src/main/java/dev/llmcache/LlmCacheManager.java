package dev.llmcache;

import dev.llmcache.key.CacheKey;

/**
 * Invalidation, the programmatic side of {@code @LlmCacheEvict}.
 *
 * <p>An entry is named the way a call names it: by the bean type, the {@code @LlmCached} method and
 * the same arguments, so that no caller needs to know how keys are built. Implementations are
 * thread-safe.
 */
public interface LlmCacheManager {

	/**
	 * The key a call of {@code beanType.methodName(args)} uses.
	 * @throws IllegalArgumentException if no single {@code @LlmCached} method of that name accepts the arguments
	 */
	CacheKey keyFor(Class<?> beanType, String methodName, Object... args);

	/**
	 * Evict the entry a call of {@code beanType.methodName(args)} would be answered from, in every tier.
	 * @throws IllegalArgumentException if no single {@code @LlmCached} method of that name accepts the arguments
	 */
	void evict(Class<?> beanType, String methodName, Object... args);

	/** Evict one entry by its key. */
	void evict(CacheKey key);

	/** Make every entry of a namespace unreachable, in O(1) in Redis. */
	void clearNamespace(String namespace);

	/** The namespace of a {@code @LlmCached} method, given or derived. */
	String namespaceOf(Class<?> beanType, String methodName);

}
