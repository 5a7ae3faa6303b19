package dev.llmcache.autoconfigure.metrics;

import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.autoconfigure.LlmCacheOperationsProperties;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.explain.LlmCacheKeyExplainer;
import dev.llmcache.interceptor.LlmCacheExpressionEvaluator;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.interceptor.OperationKeyResolver;
import dev.llmcache.metrics.LlmCacheStatistics;
import dev.llmcache.metrics.LocalTierMetrics;
import dev.llmcache.metrics.MicrometerLlmCacheListener;
import dev.llmcache.metrics.PricingTable;
import dev.llmcache.metrics.StoreMetrics;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.usage.ChatModelUsageObservationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What llmcache tells about itself: statistics since start (for the Actuator endpoint), the key
 * explainer, Micrometer
 * meters when the application has a {@link MeterRegistry}, and the observation handler through
 * which entries of text-returning methods keep the token usage of their model calls (Spring Boot
 * registers it in the application's {@code ObservationRegistry}, which Spring AI's chat models
 * report to).
 */
@AutoConfiguration(after = LlmCacheAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBean(LlmCacheEngine.class)
@EnableConfigurationProperties(LlmCacheOperationsProperties.class)
public class LlmCacheMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PricingTable llmCachePricingTable(LlmCacheOperationsProperties properties) {
		return properties.pricingTable();
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCacheStatistics llmCacheStatistics(PricingTable pricing) {
		return new LlmCacheStatistics(pricing);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCacheKeyExplainer llmCacheKeyExplainer(LlmCacheOperationSource operationSource,
			OperationKeyResolver keyResolver, LlmCacheExpressionEvaluator evaluator) {
		return new LlmCacheKeyExplainer(operationSource, keyResolver, evaluator);
	}

	@Bean
	@ConditionalOnMissingBean
	ChatModelUsageObservationHandler llmCacheUsageObservationHandler() {
		return new ChatModelUsageObservationHandler();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerLlmCacheListener llmCacheMicrometerListener(MeterRegistry registry, PricingTable pricing) {
			return new MicrometerLlmCacheListener(registry, pricing);
		}

		@Bean
		@ConditionalOnBean(LocalTier.class)
		LocalTierMetrics llmCacheLocalTierMetrics(LocalTier local) {
			return new LocalTierMetrics(local);
		}

		@Bean
		StoreMetrics llmCacheStoreMetrics(TieredCache cache, ObjectProvider<RedisTier> redis) {
			return new StoreMetrics(cache, redis.getIfAvailable());
		}

	}

}
