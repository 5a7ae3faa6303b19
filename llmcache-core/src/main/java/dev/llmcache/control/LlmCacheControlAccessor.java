package dev.llmcache.control;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LlmCacheControl} of a thread as Micrometer's context propagation sees it, under the key
 * {@value #KEY}: a {@code ContextSnapshot} captures it, Reactor's context carries it, and it is
 * restored on the thread that continues the call. Registered in the global {@code ContextRegistry}
 * through {@code META-INF/services}, and by {@link LlmCacheControlPropagation} should that loading
 * not have happened. Stateless and thread-safe.
 */
public final class LlmCacheControlAccessor implements ThreadLocalAccessor<LlmCacheControl> {

	/** The key of the control in snapshots and in Reactor's context. */
	public static final String KEY = "llmcache.control";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable LlmCacheControl getValue() {
		return LlmCacheControl.threadValue();
	}

	@Override
	public void setValue(LlmCacheControl value) {
		LlmCacheControl.setThreadValue(value);
	}

	@Override
	public void setValue() {
		LlmCacheControl.setThreadValue(null);
	}

}
