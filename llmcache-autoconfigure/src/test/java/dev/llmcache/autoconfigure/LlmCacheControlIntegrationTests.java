package dev.llmcache.autoconfigure;

import java.time.Duration;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-call control around {@code @LlmCached} calls, with the real OpenAI client against the
 * counting mock server and a real Redis shared by two application instances.
 */
class LlmCacheControlIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void noCacheSkipsReadsButStoresTheFreshResult() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			assertThat(service.ask("Is it fresh?")).startsWith("Answer to: Is it fresh?");
			server.setContent("the fresh answer");
			String fresh = LlmCacheControl.noCache().call(() -> service.ask("Is it fresh?"));
			assertThat(fresh).isEqualTo("the fresh answer");
			assertThat(server.requestCount()).isEqualTo(2);
			server.setContent("never asked");
			assertThat(service.ask("Is it fresh?")).isEqualTo("the fresh answer");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void noStoreReadsButNeverStores() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheControl.noStore().call(() -> service.ask("Keep this private"));
			service.ask("Keep this private");
			assertThat(server.requestCount()).isEqualTo(2);
			assertThat(LlmCacheControl.noStore().call(() -> service.ask("Keep this private")))
				.startsWith("Answer to: Keep this private");
			assertThat(server.requestCount()).isEqualTo(2);
			LlmCacheControl.noStore().call(() -> service.ask("Never stored"));
			LlmCacheControl.noStore().call(() -> service.ask("Never stored"));
			assertThat(server.requestCount()).isEqualTo(4);
		});
	}

	@Test
	void forceRefreshOverwritesTheEntryAndOtherInstancesDropTheirStaleCopy() {
		LlmCacheContexts.withRedis(server, redis).run(first -> LlmCacheContexts.withRedis(server, redis).run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			String original = a.ask("What is the price?");
			assertThat(b.ask("What is the price?")).isEqualTo(original);
			assertThat(server.requestCount()).isEqualTo(1);
			server.setContent("the new price");
			assertThat(LlmCacheControl.forceRefresh().call(() -> a.ask("What is the price?"))).isEqualTo("the new price");
			assertThat(server.requestCount()).isEqualTo(2);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(b.ask("What is the price?")).isEqualTo("the new price"));
			assertThat(a.ask("What is the price?")).isEqualTo("the new price");
			assertThat(server.requestCount()).isEqualTo(2);
		}));
	}

	@Test
	void ttlOverrideSetsTheLifetimeOfWhatIsStored() {
		LlmCacheContexts.withRedis(server, redis).run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheControl.defaults().ttl(Duration.ofSeconds(30)).call(() -> service.ask("Short-lived"));
			service.ask("Default lifetime");
			assertThat(pttl(context, "Short-lived")).isBetween(1L, 30_000L);
			assertThat(pttl(context, "Default lifetime")).isBetween(30_001L, 3_600_000L);
		});
	}

	@Test
	void scopesNestAndRestoreTheControlBefore() {
		try (LlmCacheControl.Scope outer = LlmCacheControl.noStore().open()) {
			try (LlmCacheControl.Scope inner = LlmCacheControl.forceRefresh().open()) {
				assertThat(LlmCacheControl.current().isForceRefresh()).isTrue();
				assertThat(LlmCacheControl.current().isNoStore()).isFalse();
			}
			assertThat(LlmCacheControl.current().isNoStore()).isTrue();
		}
		assertThat(LlmCacheControl.current()).isSameAs(LlmCacheControl.defaults());
	}

	private static long pttl(ConfigurableApplicationContext context, String question) {
		CacheKey key = context.getBean(LlmCacheManager.class).keyFor(ChatModelAskService.class, "ask", question);
		return Long.parseLong(redis.command("PTTL", "llmcache:e:" + key.hash()));
	}

}
