package dev.llmcache.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.tier.LocalTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LlmCacheCaffeineCustomizer} beans tune L1 in order, and a customization that would change
 * how L1 is bounded or keyed stops the application with a message naming the customizer.
 */
class LlmCacheCaffeineCustomizerTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	@Test
	void aCustomizerBeanTunesTheL1Builder() {
		List<RemovalCause> removals = new CopyOnWriteArrayList<>();
		LlmCacheCaffeineCustomizer listening = builder -> builder
			.removalListener((key, value, cause) -> removals.add(cause));
		LlmCacheContexts.withoutRedis(server).withBean(LlmCacheCaffeineCustomizer.class, () -> listening)
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				service.ask("Listened to?");
				service.ask("Listened to?");
				assertThat(server.requestCount()).as("L1 still caches").isEqualTo(1);
				context.getBean(LocalTier.class).invalidateAll();
				assertThat(removals).containsExactly(RemovalCause.EXPLICIT);
			});
	}

	@Test
	void customizersAreAppliedInOrder() {
		List<String> applied = new CopyOnWriteArrayList<>();
		LlmCacheContexts.withoutRedis(server)
			.withBean("second", Second.class, () -> new Second(applied))
			.withBean("first", First.class, () -> new First(applied))
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(applied).containsExactly("first", "second");
			});
	}

	@Test
	void aCustomizerThatRebindsL1FailsNamingIt() {
		LlmCacheContexts.withoutRedis(server)
			.withPropertyValues("llmcache.l1.max-size=1MB")
			.withBean(Bounding.class, Bounding::new)
			.run(context -> {
				assertThat(context).hasFailed();
				Throwable rootCause = NestedExceptionUtils.getRootCause(context.getStartupFailure());
				Throwable ours = context.getStartupFailure();
				while (ours.getCause() != rootCause) {
					ours = ours.getCause();
				}
				assertThat(rootCause).hasMessage("maximum weight was already set to 1048576");
				assertThat(ours).isInstanceOf(IllegalStateException.class)
					.hasMessage("llmcache: the LlmCacheCaffeineCustomizer " + Bounding.class.getName()
							+ " cannot be applied to L1: maximum weight was already set to 1048576 (L1 is bounded in "
							+ "bytes by llmcache.l1.max-size, with llmcache's weigher and executor; a customizer may "
							+ "not set them)");
			});
	}

	@Test
	void weakKeysAreRefused() {
		LlmCacheContexts.withoutRedis(server)
			.withBean(LlmCacheCaffeineCustomizer.class, () -> Caffeine::weakKeys)
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("L1 keys must not be weak: a weak key is compared by identity, "
						+ "and equal keys built by separate calls would never hit"));
	}

	@Order(Ordered.HIGHEST_PRECEDENCE)
	record First(List<String> applied) implements LlmCacheCaffeineCustomizer {

		@Override
		public void customize(Caffeine<Object, Object> builder) {
			this.applied.add("first");
		}

	}

	@Order(Ordered.LOWEST_PRECEDENCE)
	record Second(List<String> applied) implements LlmCacheCaffeineCustomizer {

		@Override
		public void customize(Caffeine<Object, Object> builder) {
			this.applied.add("second");
			builder.recordStats();
		}

	}

	static class Bounding implements LlmCacheCaffeineCustomizer {

		@Override
		public void customize(Caffeine<Object, Object> builder) {
			builder.maximumSize(1_000);
		}

	}

}
