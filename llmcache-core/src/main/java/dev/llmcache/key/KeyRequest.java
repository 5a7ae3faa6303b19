package dev.llmcache.key;

import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Everything a key is built from.
 *
 * <p>The method is not part of the key (the namespace identifies the operation); it names the
 * operation in error messages, and its parameter types say where a value's runtime type must be
 * written (see {@code docs/keys.md}).
 *
 * @param namespace the namespace of the operation
 * @param partition the evaluated partition, or null when entries are shared by all callers
 * @param normalize whether prompt texts are {@linkplain PromptNormalizer normalized} before hashing
 * @param stripTokens whether dynamic tokens in prompt texts are replaced by
 * {@linkplain Placeholders placeholders} (only with {@code normalize})
 * @param model fingerprint of the configured chat model(s) the call is answered by, or null when
 * none is known
 * @param method the cached method
 * @param arguments the arguments in declaration order, or the single value of a {@code key}
 * expression
 */
public record KeyRequest(String namespace, @Nullable String partition, boolean normalize, boolean stripTokens,
		@Nullable String model, Method method, List<KeyArgument> arguments) {

	public KeyRequest {
		Assert.hasLength(namespace, "namespace must not be empty");
		Assert.notNull(method, "method must not be null");
		Assert.notNull(arguments, "arguments must not be null");
		arguments = List.copyOf(arguments);
	}

	/** A request without token stripping and without a model fingerprint. */
	public KeyRequest(String namespace, @Nullable String partition, boolean normalize, Method method,
			List<KeyArgument> arguments) {
		this(namespace, partition, normalize, false, null, method, arguments);
	}

	/** The same request answered by the given model(s). */
	public KeyRequest withModel(@Nullable String model) {
		return new KeyRequest(this.namespace, this.partition, this.normalize, this.stripTokens, model, this.method,
				this.arguments);
	}

}
