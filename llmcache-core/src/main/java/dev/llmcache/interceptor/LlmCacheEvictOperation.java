package dev.llmcache.interceptor;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * An {@code @LlmCacheEvict} method as resolved at startup. Immutable.
 */
public record LlmCacheEvictOperation(Method method, String namespace, boolean normalize, @Nullable Expression key,
		@Nullable Expression partition, @Nullable Expression condition, boolean allEntries,
		boolean beforeInvocation) implements KeyedOperation {

	@Override
	public String toString() {
		return "@LlmCacheEvict " + this.namespace;
	}

}
