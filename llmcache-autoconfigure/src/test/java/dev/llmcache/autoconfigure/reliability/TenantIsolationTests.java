package dev.llmcache.autoconfigure.reliability;

import dev.llmcache.annotation.LlmCached;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * One tenant's answer is never served to another, in either tier or across instances; prompts
 * never appear in keys or in logs at INFO and above.
 */
@ExtendWith(OutputCaptureExtension.class)
class TenantIsolationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void aliceAnswerNeverReachesBobInL1L2OrAnotherInstance() {
		server.setResponder(request -> "secret for the one who asked, request " + request.number());
		LlmCacheContexts.withRedis(server, redis).run(first -> LlmCacheContexts.withRedis(server, redis).run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			String alice = a.askAs("alice", "What is my account balance?");
			assertThat(a.askAs("alice", "What is my account balance?")).as("alice, L1").isEqualTo(alice);
			assertThat(b.askAs("alice", "What is my account balance?")).as("alice, L2 on the other instance")
				.isEqualTo(alice);
			String bobHere = a.askAs("bob", "What is my account balance?");
			String bobThere = b.askAs("bob", "What is my account balance?");
			assertThat(bobHere).isNotEqualTo(alice);
			assertThat(bobThere).isEqualTo(bobHere);
			assertThat(server.requestCount()).isEqualTo(2);
		}));
	}

	@Test
	void requirePartitionStopsAnUnpartitionedMethodAtStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class))
			.withPropertyValues("llmcache.require-partition=true")
			.withBean(Unpartitioned.class)
			.run(context -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("dev.llmcache.autoconfigure.reliability.TenantIsolationTests$Unpartitioned.ask(String) has "
						+ "no partition, but llmcache.require-partition=true: set @LlmCached(partition = \"...\") so that "
						+ "tenants never share entries"));
	}

	@Test
	void requirePartitionFailsACallWithoutATenantInsteadOfSharing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class))
			.withPropertyValues("llmcache.require-partition=true", "spring.data.redis.port=" + redis.port())
			.withBean(Partitioned.class)
			.run(context -> {
				Partitioned service = context.getBean(Partitioned.class);
				assertThat(service.ask("alice", "hello")).isEqualTo("alice: hello");
				assertThatIllegalStateException().isThrownBy(() -> service.ask(null, "hello"))
					.withMessage("The partition of dev.llmcache.autoconfigure.reliability.TenantIsolationTests$"
							+ "Partitioned.ask(String,String) evaluated to nothing and llmcache.require-partition=true: "
							+ "refusing the call");
			});
	}

	@Test
	void redisKeysAndLogsNeverContainPromptText(CapturedOutput output) {
		LlmCacheContexts.withRedis(server, redis)
			.withPropertyValues("llmcache.max-value-bytes=200B")
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				service.ask("confidential merger with Initech");
				service.askAs("carol", "confidential salary of Carol");
				redis.command("SET", "llmcache:e:" + "f".repeat(64), "garbage");
				redis.stop();
				service.ask("confidential layoffs list");
				redis.restart();
			});
		String keys = redis.command("KEYS", "*");
		assertThat(keys == null ? "" : keys).doesNotContain("confidential", "Initech", "Carol", "carol");
		assertThat(output.getAll()).doesNotContain("confidential", "Initech", "salary", "layoffs");
	}

	static class Unpartitioned {

		@LlmCached
		public String ask(String question) {
			return question;
		}

	}

	static class Partitioned {

		@LlmCached(partition = "#user")
		public String ask(String user, String question) {
			return user + ": " + question;
		}

	}

}
