package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisCluster;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llmcache on a real three-master Redis Cluster, configured the Spring Boot way
 * ({@code spring.data.redis.cluster.nodes}): hits, evictions, namespace clears and single-flight
 * across two instances.
 */
class LlmCacheRedisClusterTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static RedisCluster cluster;

	@BeforeAll
	static void start() {
		cluster = RedisServerProcess.startCluster(3);
	}

	@AfterAll
	static void stop() {
		cluster.close();
	}

	private static ApplicationContextRunner context() {
		String nodes = cluster.ports().stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.cluster.nodes=" + nodes, "llmcache.l1.enabled=false",
					"llmcache.redis.timeout=500ms")
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withUserConfiguration(LlmCacheContexts.ServiceConfiguration.class);
	}

	@Test
	void hitsEvictionsAndClearsWorkAcrossSlots() {
		context().run(context -> {
			AskService service = context.getBean(AskService.class);
			LlmCacheManager manager = context.getBean(LlmCacheManager.class);
			List<String> questions = List.of("Cluster question one?", "Cluster question two?", "Cluster question three?",
					"Cluster question four?", "Cluster question five?");
			questions.forEach(service::faq);
			questions.forEach(service::faq);
			assertThat(server.requestCount()).isEqualTo(questions.size());

			manager.evict(AskService.class, "faq", questions.get(0));
			service.faq(questions.get(0));
			assertThat(server.requestCount()).isEqualTo(questions.size() + 1);

			manager.clearNamespace("faq");
			questions.forEach(service::faq);
			assertThat(server.requestCount()).isEqualTo(2 * questions.size() + 1);
		});
	}

	@Test
	void singleFlightSpansInstancesOnACluster() {
		server.setDelay(Duration.ofMillis(500));
		context().run(first -> context().run(second -> {
			AskService a = first.getBean(AskService.class);
			AskService b = second.getBean(AskService.class);
			List<Object> answers = LlmCacheConcurrencyIntegrationTests.concurrently(32,
					i -> ((i % 2 == 0) ? a : b).ask("One request for the whole cluster?"));
			assertThat(server.requestCount()).isEqualTo(1);
			assertThat(answers).containsOnly(answers.get(0));
		}));
	}

}
