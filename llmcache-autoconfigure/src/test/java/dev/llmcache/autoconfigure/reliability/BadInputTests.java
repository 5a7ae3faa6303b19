package dev.llmcache.autoconfigure.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.test.RealParts;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs a cache in front of every LLM call will meet: empty and huge prompts, broken Unicode,
 * prompts made of dynamic tokens, oversized answers, and bytes under our keys that we did not write.
 */
class BadInputTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void emptyAndWhitespacePromptsAreAnsweredAndShareOneNormalizedEntry() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			String empty = service.ask(" ");
			assertThat(service.ask("   \n\t ")).isEqualTo(empty);
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void aNullArgumentIsAValueLikeAnyOther() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			CacheKey withNull = manager.keyFor(AskService.class, "faq", (Object) null);
			CacheKey withEmpty = manager.keyFor(AskService.class, "faq", "");
			assertThat(withNull).isEqualTo(manager.keyFor(AskService.class, "faq", (Object) null));
			assertThat(withNull).isNotEqualTo(withEmpty);
		});
	}

	@Test
	void aTenMegabytePromptIsHashedNotStoredInTheKey() {
		server.setContent("A short answer to a long question.");
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			String huge = "word ".repeat(2 * 1024 * 1024);
			CacheKey key = context.getBean(LlmCacheManager.class).keyFor(AskService.class, "faq", huge);
			assertThat(key.hash()).hasSize(64);
			service.faq(huge);
			service.faq(huge);
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void loneSurrogatesNeitherFailNorCollideWithTheirReplacement() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			CacheKey high = manager.keyFor(AskService.class, "faq", "broken \uD800 text");
			CacheKey low = manager.keyFor(AskService.class, "faq", "broken \uDC00 text");
			CacheKey replaced = manager.keyFor(AskService.class, "faq", "broken \uFFFD text");
			assertThat(high).isEqualTo(manager.keyFor(AskService.class, "faq", "broken \uD800 text"));
			assertThat(List.of(high, low, replaced)).doesNotHaveDuplicates();
		});
	}

	@Test
	void aPromptMadeOnlyOfDynamicTokensStillGetsAnAnswer() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.normalize.strip-tokens=true").run(context -> {
			AskService service = context.getBean(AskService.class);
			String first = service.faq("123e4567-e89b-12d3-a456-426614174000 2026-11-22T08:15:00Z");
			assertThat(first).isNotBlank();
			service.faq("9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d 2026-11-23T09:00:00Z");
			assertThat(server.requestCount()).as("with tokens stripped, both become the same placeholders").isEqualTo(1);
		});
	}

	@Test
	void answersAboveTheMaximumSizeAreServedButNotStored() {
		server.setContent("x".repeat(20_000));
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.max-value-bytes=10KB").run(context -> {
			AskService service = context.getBean(AskService.class);
			assertThat(service.ask("Tell me everything")).hasSize(20_000);
			assertThat(service.ask("Tell me everything")).hasSize(20_000);
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(context.getBean(TieredCache.class).oversizedValues()).isEqualTo(2);
		});
	}

	@Test
	void forgedAndForeignBytesUnderOurKeysAreMissesNeverWrongTypes() {
		LlmCacheContexts.withRedis(server, redis).withPropertyValues("llmcache.l1.enabled=false").run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			RedisTier tier = context.getBean(RedisTier.class);
			CacheKey key = manager.keyFor(AskService.class, "recipe", "soup");
			String redisKey = new String(tier.entryKey(key), StandardCharsets.UTF_8);
			List<String> planted = List.of("",
					"{\"v\":1,\"type\":\"string\",\"valueType\":\"java.lang.String\",\"createdAt\":0,"
							+ "\"expiresAt\":99999999999999,\"gen\":0,\"payload\":\"a string, not a recipe\"}",
					"{\"v\":1,\"type\":\"json\",\"valueType\":\"" + "dev.llmcache.autoconfigure.AskService$Recipe"
							+ "\",\"createdAt\":0,\"expiresAt\":99999999999999,\"gen\":0,\"payload\":[1,2,3]}",
					"{\"v\":1,\"type\":\"json\",\"valueType\":\"dev.llmcache.autoconfigure.AskService$Recipe\","
							+ "\"createdAt\":0,\"expiresAt\":99999999999999,\"gen\":0,"
							+ "\"payload\":{\"@class\":\"java.lang.ProcessBuilder\",\"dish\":\"soup\"}}",
					"\u00ac\u00ed\u0000\u0005sr\u0000\u0011java.util.HashMap");
			int expected = 0;
			for (String bytes : planted) {
				redis.command("SET", redisKey, bytes);
				Object recipe = service.recipe("soup");
				assertThat(recipe).isInstanceOf(AskService.Recipe.class);
				assertThat(((AskService.Recipe) recipe).dish()).isEqualTo("soup");
				assertThat(server.requestCount()).isEqualTo(++expected);
			}
		});
	}

}
