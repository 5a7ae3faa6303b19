package dev.llmcache.autoconfigure;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RedisServerProcess;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Application contexts as a Spring Boot application with the starter gets them: AOP, Spring Data
 * Redis and llmcache auto-configuration, a real OpenAI chat model pointed at the mock server.
 */
public final class LlmCacheContexts {

	private LlmCacheContexts() {
	}

	/** A context without Redis. */
	public static ApplicationContextRunner withoutRedis(MockOpenAiServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class))
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withUserConfiguration(ServiceConfiguration.class);
	}

	/** A context whose L2 is the given Redis server. */
	public static ApplicationContextRunner withRedis(MockOpenAiServer server, RedisServerProcess redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"llmcache.redis.ttl-jitter=0", "llmcache.redis.timeout=1s")
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withUserConfiguration(ServiceConfiguration.class);
	}

	@Configuration(proxyBeanMethods = false)
	public static class ServiceConfiguration {

		@Bean
		AskService askService(ChatModel chatModel) {
			return new ChatModelAskService(chatModel);
		}

	}

}
