package dev.llmcache.autoconfigure;

import dev.llmcache.advisor.LlmCacheAdvisor;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link LlmCacheAdvisor} for Spring AI's {@code ChatClient}, when
 * {@code spring-ai-client-chat} is on the classpath. It shares the engine (tiers, policies,
 * single-flight, listeners) of {@code @LlmCached}; an application adds it to its clients with
 * {@code ChatClient.builder(model).defaultAdvisors(llmCacheAdvisor)}. It is not added to every
 * {@code ChatClient.Builder} on its own: caching is a choice made per client.
 *
 * <p>With {@code llmcache.advisor.semantic=true} the advisor also answers paraphrases through the
 * semantic tier of {@link LlmCacheSemanticAutoConfiguration}; without that tier (no
 * {@code EmbeddingModel}, or {@code llmcache.semantic.enabled=false}) it says so at start-up and
 * matches exactly only.
 */
@AutoConfiguration(after = { LlmCacheAutoConfiguration.class, LlmCacheSemanticAutoConfiguration.class })
@ConditionalOnClass(CallAdvisor.class)
@ConditionalOnBean(LlmCacheEngine.class)
@ConditionalOnProperty(prefix = "llmcache.advisor", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmCacheAdvisorProperties.class)
public class LlmCacheAdvisorAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LlmCacheAdvisorAutoConfiguration.class);

	// Not "llmCacheAdvisor": that name belongs to the AOP advisor of @LlmCached.
	@Bean
	@ConditionalOnMissingBean
	LlmCacheAdvisor llmCacheChatClientAdvisor(LlmCacheEngine engine, LlmCacheKeyGenerator keyGenerator,
			LlmCacheProperties properties, LlmCacheAdvisorProperties advisor,
			ObjectProvider<SemanticQueryFactory> semanticQueries,
			ObjectProvider<LlmCacheAdvisorBuilderCustomizer> customizers) {
		SemanticQueryFactory semantic = null;
		if (advisor.isSemantic()) {
			semantic = semanticQueries.getIfAvailable();
			if (semantic == null) {
				logger.warn("llmcache: llmcache.advisor.semantic=true but there is no semantic tier (it needs an "
						+ "EmbeddingModel bean and llmcache.semantic.enabled=true): the ChatClient advisor matches "
						+ "exactly only");
			}
		}
		LlmCacheAdvisor.Builder builder = LlmCacheAdvisor.builder(engine, keyGenerator)
			.namespace(advisor.getNamespace())
			.ttl((advisor.getTtl() != null) ? advisor.getTtl() : properties.getTtl())
			.maxTemperature((advisor.getMaxTemperature() != null) ? advisor.getMaxTemperature()
					: properties.getMaxTemperature())
			.normalize(advisor.isNormalize())
			.order(advisor.getOrder())
			.semantic(semantic);
		customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
		return builder.build();
	}

}
