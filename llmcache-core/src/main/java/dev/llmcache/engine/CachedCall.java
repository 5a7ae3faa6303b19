package dev.llmcache.engine;

import java.time.Duration;
import java.util.function.Predicate;

import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * One call that may be answered from cache: what it is stored under and how.
 *
 * @param key the entry
 * @param type the declared type of the value
 * @param ttl lifetime of a stored result
 * @param mayStore a further veto on storing a result (such as {@code unless}); the cacheability
 * policy is always applied as well
 * @param semantic what the semantic tier looks for, or null for exact matches only
 */
public record CachedCall(CacheKey key, ValueType type, Duration ttl, Predicate<Object> mayStore,
		@Nullable SemanticQuery semantic) {

	public CachedCall(CacheKey key, ValueType type, Duration ttl) {
		this(key, type, ttl, result -> true, null);
	}

	public CachedCall withSemantic(@Nullable SemanticQuery semantic) {
		return new CachedCall(this.key, this.type, this.ttl, this.mayStore, semantic);
	}

	public String namespace() {
		return this.key.namespace();
	}

}
