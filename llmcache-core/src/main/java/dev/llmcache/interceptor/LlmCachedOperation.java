package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;

import dev.llmcache.codec.ValueType;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * An {@code @LlmCached} method as resolved once at startup: every attribute parsed and validated,
 * every default applied. Immutable.
 *
 * @param method the most specific method, the one whose signature names the namespace
 * @param namespace the namespace
 * @param ttl entry lifetime
 * @param normalize whether prompt texts are normalized before hashing
 * @param semantic whether the semantic tier may answer
 * @param key SpEL replacing the arguments in the key, or null
 * @param partition SpEL giving the partition, or null
 * @param condition SpEL that must hold for the cache to be used, or null
 * @param unless SpEL over {@code #result} vetoing a store, or null
 * @param maxTemperature highest requested temperature still cached
 * @param valueType the type of the value stored: the declared return type, or the element type of
 * a future, Mono or Flux
 * @param returnKind how the method hands over its result
 * @param similarityThreshold the semantic threshold, negative for the configured default
 * @param candidates the number of semantic candidates, 0 for the configured default
 * @param stripTokens whether dynamic tokens of prompt texts become placeholders
 * @param chatModel bean name of the chat model fingerprinted into the key, or null for the rule of
 * {@link dev.llmcache.key.ModelFingerprints}
 */
public record LlmCachedOperation(Method method, String namespace, Duration ttl, boolean normalize, boolean semantic,
		@Nullable Expression key, @Nullable Expression partition, @Nullable Expression condition,
		@Nullable Expression unless, double maxTemperature, ValueType valueType, ReturnKind returnKind,
		double similarityThreshold, int candidates, boolean stripTokens, @Nullable String chatModel)
		implements KeyedOperation {

	/** An operation without token stripping, keyed by the default chat model rule. */
	public LlmCachedOperation(Method method, String namespace, Duration ttl, boolean normalize, boolean semantic,
			@Nullable Expression key, @Nullable Expression partition, @Nullable Expression condition,
			@Nullable Expression unless, double maxTemperature, ValueType valueType, ReturnKind returnKind,
			double similarityThreshold, int candidates) {
		this(method, namespace, ttl, normalize, semantic, key, partition, condition, unless, maxTemperature,
				valueType, returnKind, similarityThreshold, candidates, false, null);
	}

	@Override
	public String toString() {
		return "@LlmCached " + this.namespace;
	}

}
