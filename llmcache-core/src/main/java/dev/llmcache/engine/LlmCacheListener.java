package dev.llmcache.engine;

/**
 * Told about every cached call once it is answered. Called on the caller's thread, so
 * implementations must be fast, thread-safe and must not throw (what they throw is logged and
 * ignored).
 */
@FunctionalInterface
public interface LlmCacheListener {

	void onCall(CallEvent event);

	LlmCacheListener NONE = event -> {
	};

}
