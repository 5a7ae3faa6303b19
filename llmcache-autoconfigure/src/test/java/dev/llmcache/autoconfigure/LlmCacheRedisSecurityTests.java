package dev.llmcache.autoconfigure;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that requires a password, or an ACL user, reached through Spring Boot's own
 * {@code spring.data.redis.*} settings: llmcache uses the application's connection factory and
 * needs nothing of its own.
 */
class LlmCacheRedisSecurityTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	@Test
	void aPasswordProtectedRedisIsUsedForL2() {
		try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "s3cret")) {
			server.reset();
			LlmCacheContexts.withRedis(server, redis)
				.withPropertyValues("spring.data.redis.password=s3cret", "llmcache.l1.enabled=false")
				.run(context -> {
					AskService service = context.getBean(AskService.class);
					service.ask("Behind a password?");
					service.ask("Behind a password?");
					assertThat(server.requestCount()).isEqualTo(1);
					assertThat(redis.command("DBSIZE").trim()).isNotEqualTo("0");
				});
		}
	}

	@Test
	void anAclUserWithOnlyOurKeyPrefixIsEnough() {
		try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "admin-secret")) {
			server.reset();
			redis.command("ACL", "SETUSER", "llmcache", "on", ">app-secret", "~llmcache:*", "&llmcache:*", "+@all");
			LlmCacheContexts.withRedis(server, redis)
				.withPropertyValues("spring.data.redis.username=llmcache", "spring.data.redis.password=app-secret",
						"llmcache.l1.enabled=false")
				.run(context -> {
					AskService service = context.getBean(AskService.class);
					service.ask("As a restricted user?");
					service.ask("As a restricted user?");
					assertThat(server.requestCount()).isEqualTo(1);
				});
		}
	}

	@Test
	void aWrongPasswordFailsOpen() {
		try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "right")) {
			server.reset();
			LlmCacheContexts.withRedis(server, redis)
				.withPropertyValues("spring.data.redis.password=wrong", "llmcache.l1.enabled=false")
				.run(context -> {
					AskService service = context.getBean(AskService.class);
					assertThat(service.ask("Wrong password?")).startsWith("Answer to: Wrong password?");
					assertThat(service.ask("Wrong password?")).startsWith("Answer to: Wrong password?");
					assertThat(server.requestCount()).isEqualTo(2);
				});
		}
	}

}
