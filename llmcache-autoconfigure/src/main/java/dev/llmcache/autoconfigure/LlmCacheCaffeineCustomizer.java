package dev.llmcache.autoconfigure;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Tunes the Caffeine cache behind the in-process tier (L1) without replacing it: each bean of this
 * type is called, in order, with the builder after llmcache set its bound
 * ({@code llmcache.l1.max-size}, weighed in bytes of heap), its weigher and its maintenance executor.
 *
 * <p>A customizer may add what does not change how L1 is bounded or keyed: statistics
 * ({@code recordStats}), removal and eviction listeners, an earlier expiry than the entries' own
 * ({@code expireAfterWrite}, {@code expireAfterAccess}), an initial capacity. Setting the bound, the
 * weigher or the executor again, or making keys weak, fails at startup with a message that names
 * the customizer.
 */
@FunctionalInterface
public interface LlmCacheCaffeineCustomizer {

	void customize(Caffeine<Object, Object> builder);

}
