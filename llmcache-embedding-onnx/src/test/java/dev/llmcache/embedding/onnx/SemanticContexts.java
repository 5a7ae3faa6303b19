package dev.llmcache.embedding.onnx;

import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.autoconfigure.LlmCacheSemanticAutoConfiguration;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RedisServerProcess;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Application contexts as an application with the starter and this module gets them. The ONNX
 * model is loaded once per test JVM and handed to every context as the application's
 * EmbeddingModel (the module's auto-configuration then backs off), because loading it takes time.
 */
final class SemanticContexts {

	static final OnnxMiniLmEmbeddingModel MODEL = new OnnxMiniLmEmbeddingModel();

	private SemanticContexts() {
	}

	static ApplicationContextRunner withRedis(MockOpenAiServer server, RedisServerProcess redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
					LlmCacheAutoConfiguration.class, LlmCacheSemanticAutoConfiguration.class,
					OnnxEmbeddingAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"llmcache.redis.ttl-jitter=0", "llmcache.semantic.poll-interval=50ms")
			.withBean(EmbeddingModel.class, () -> MODEL)
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withBean(SemanticAskService.class);
	}

	static ApplicationContextRunner withoutRedis(MockOpenAiServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class,
					LlmCacheSemanticAutoConfiguration.class, OnnxEmbeddingAutoConfiguration.class))
			.withBean(EmbeddingModel.class, () -> MODEL)
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server))
			.withBean(SemanticAskService.class);
	}

}
