package dev.llmcache.interceptor;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * What an operation needs to name a cache entry: the part that caching and evicting share.
 */
public sealed interface KeyedOperation permits LlmCachedOperation, LlmCacheEvictOperation {

	Method method();

	String namespace();

	boolean normalize();

	/** Whether dynamic tokens of prompt texts become placeholders in the key. */
	default boolean stripTokens() {
		return false;
	}

	/** The bean name of the chat model whose fingerprint is in the key, or null for the default rule. */
	default @Nullable String chatModel() {
		return null;
	}

	@Nullable Expression key();

	@Nullable Expression partition();

	@Nullable Expression condition();

}
