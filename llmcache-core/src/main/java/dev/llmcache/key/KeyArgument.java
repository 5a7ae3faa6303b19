package dev.llmcache.key;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * One argument that goes into a key.
 *
 * <p>Only the value is part of the key; the name appears in error messages, so renaming a
 * parameter keeps existing entries valid.
 *
 * @param name the parameter name (or {@code "key"} for a {@code key} expression)
 * @param value the argument
 */
public record KeyArgument(String name, @Nullable Object value) {

	public KeyArgument {
		Assert.notNull(name, "name must not be null");
	}

}
