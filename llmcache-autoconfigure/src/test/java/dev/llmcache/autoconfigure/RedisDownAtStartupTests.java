package dev.llmcache.autoconfigure;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: the L1 invalidation subscription used to stop the application from starting when
 * Redis was unreachable. An application must start, and answer, without Redis, and pick L2 up once
 * Redis is there.
 */
class RedisDownAtStartupTests {

	@Test
	void theApplicationStartsAndAnswersWithoutRedisAndUsesItOnceItIsUp() throws Exception {
		try (MockOpenAiServer server = MockOpenAiServer.start();
				RedisServerProcess redis = RedisServerProcess.start()) {
			redis.stop();
			LlmCacheContexts.withRedis(server, redis)
				.withPropertyValues("llmcache.l1.enabled=false", "llmcache.redis.retry-interval=200ms")
				.run(context -> {
					assertThat(context).hasNotFailed();
					AskService service = context.getBean(AskService.class);
					assertThat(service.ask("Redis is down?")).startsWith("Answer to: Redis is down?");
					assertThat(service.ask("Redis is down?")).startsWith("Answer to: Redis is down?");
					assertThat(server.requestCount()).isEqualTo(2);

					redis.restart();
					long deadline = System.currentTimeMillis() + 15_000;
					int before;
					do {
						Thread.sleep(250);
						service.ask("Redis is up?");
						before = server.requestCount();
						service.ask("Redis is up?");
					}
					while (server.requestCount() != before && System.currentTimeMillis() < deadline);
					assertThat(server.requestCount()).as("L2 answers once Redis is up").isEqualTo(before);
				});
		}
	}

}
