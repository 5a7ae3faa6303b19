package dev.llmcache.autoconfigure;

import java.util.Arrays;
import java.util.List;

import dev.llmcache.autoconfigure.metrics.LlmCacheMetricsAutoConfiguration;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.redis.RedisTier;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional cap on the entries a namespace keeps in Redis, and the counters of what was not
 * kept, against a real Redis and the real OpenAI client.
 */
class LlmCacheEntryCapTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, LlmCacheMetricsAutoConfiguration.class);

	private static final List<String> QUESTIONS = List.of("first?", "second?", "third?", "fourth?", "fifth?");

	@Test
	void aCappedNamespaceKeepsItsNewestEntriesAndOthersAreUntouched() {
		MockOpenAiServer server = parts.server();
		RedisServerProcess redis = parts.redis();
		LlmCacheContexts.withRedis(server, redis)
			.withConfiguration(METRICS)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.max-entries[faq]=3")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				QUESTIONS.forEach(service::faq);
				QUESTIONS.forEach(service::ask);
				assertThat(server.requestCount()).isEqualTo(10);
				assertThat(redis.command("ZCARD", "llmcache:n:faq")).isEqualTo("3");
				assertThat(redis.command("KEYS", "llmcache:n:*")).as("only capped namespaces have an index")
					.isEqualTo("llmcache:n:faq");
				assertThat(entryKeys(redis)).hasSize(3 + 5);
				assertThat(context.getBean(RedisTier.class).capEvictions()).isEqualTo(2);
				assertThat(context.getBean(MeterRegistry.class).get("llmcache.l2.evictions").tag("reason", "cap")
					.functionCounter().count()).isEqualTo(2.0);

				service.faq("fifth?");
				service.faq("third?");
				assertThat(server.requestCount()).as("the newest entries are still served").isEqualTo(10);
				service.faq("first?");
				assertThat(server.requestCount()).as("the oldest entry was deleted").isEqualTo(11);
				QUESTIONS.forEach(service::ask);
				assertThat(server.requestCount()).as("an uncapped namespace keeps all").isEqualTo(11);
			});
	}

	@Test
	void theIndexOfACappedNamespaceExpiresWithItsLastEntry() {
		LlmCacheContexts.withRedis(parts.server(), parts.redis())
			.withPropertyValues("llmcache.redis.max-entries-per-namespace=100")
			.run(context -> {
				context.getBean(AskService.class).faq("How long do you live?");
				long ttl = Long.parseLong(parts.redis().command("PTTL", "llmcache:n:faq"));
				assertThat(ttl).isPositive().isLessThanOrEqualTo(3_600_000);
			});
	}

	@Test
	void aNegativeCapFailsAtStartup() {
		LlmCacheContexts.withRedis(parts.server(), parts.redis())
			.withPropertyValues("llmcache.redis.max-entries-per-namespace=-1")
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("llmcache.redis.max-entries-per-namespace must be 0 (no cap) or a positive count, got -1"));
	}

	@Test
	void anOversizedResultIsReturnedButNotStoredAndCounted() {
		MockOpenAiServer server = parts.server();
		LlmCacheContexts.withRedis(server, parts.redis())
			.withConfiguration(METRICS)
			.withPropertyValues("llmcache.max-value-bytes=64B")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				assertThat(service.ask("Tell me everything")).startsWith("Answer to: Tell me everything");
				assertThat(service.ask("Tell me everything")).startsWith("Answer to: Tell me everything");
				assertThat(server.requestCount()).isEqualTo(2);
				assertThat(entryKeys(parts.redis())).isEmpty();
				assertThat(context.getBean(MeterRegistry.class).get("llmcache.store.skipped")
					.tag("reason", "oversized").functionCounter().count()).isEqualTo(2.0);
			});
	}

	private static List<String> entryKeys(RedisServerProcess redis) {
		String keys = redis.command("KEYS", "llmcache:e:*");
		return (keys == null || keys.isEmpty()) ? List.of() : Arrays.asList(keys.split("\n"));
	}

}
