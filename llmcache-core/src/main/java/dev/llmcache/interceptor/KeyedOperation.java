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

	@Nullable Expression key();

	@Nullable Expression partition();

	@Nullable Expression condition();

}
