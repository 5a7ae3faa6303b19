package dev.llmcache.autoconfigure;

import dev.llmcache.advisor.LlmCacheAdvisor;

/**
 * Tunes the auto-configured {@link LlmCacheAdvisor} without replacing it: each bean of this type is
 * called, in order, with the builder after the {@code llmcache.advisor.*} properties were applied.
 */
@FunctionalInterface
public interface LlmCacheAdvisorBuilderCustomizer {

	void customize(LlmCacheAdvisor.Builder builder);

}
