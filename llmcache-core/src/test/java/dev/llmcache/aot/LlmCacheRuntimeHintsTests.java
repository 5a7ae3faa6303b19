package dev.llmcache.aot;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class LlmCacheRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	LlmCacheRuntimeHintsTests() {
		// Loaded as Spring AOT loads it, so that a missing aot.factories entry fails here too.
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach(registrar -> registrar.registerHints(this.hints, getClass().getClassLoader()));
	}

	@Test
	void annotationAttributesCanBeRead() {
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(LlmCached.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(LlmCacheEvict.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).accepts(this.hints);
	}

	@Test
	void semanticResourcesAreIncluded() {
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/llmcache/semantic/default-guard-rules.txt"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/llmcache/semantic/lexicon.txt"))
			.as("a lexicon shipped beside the rules").accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/llmcache/other.txt")).rejects(this.hints);
	}

}
