package dev.llmcache.aot;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import dev.llmcache.semantic.GuardRules;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What llmcache's core reads reflectively or from the classpath, for Spring AOT and GraalVM native
 * images: the attributes of its annotations (read through Spring's merged annotations) and the
 * semantic tier's resources (the default guard rules, and any other rule or lexicon file shipped
 * beside them). Types of the application's own {@code @LlmCached} methods are registered per bean
 * by the autoconfigure module's AOT processor.
 */
public class LlmCacheRuntimeHints implements RuntimeHintsRegistrar {

	/** Where the semantic tier's resources live: the default guard rules and lexicons. */
	static final String SEMANTIC_RESOURCES = "dev/llmcache/semantic/*";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<?> annotation : new Class<?>[] { LlmCached.class, LlmCacheEvict.class }) {
			hints.reflection().registerType(annotation, MemberCategory.INVOKE_DECLARED_METHODS);
		}
		hints.resources().registerPattern(GuardRules.DEFAULT_LOCATION);
		hints.resources().registerPattern(SEMANTIC_RESOURCES);
	}

}
