package dev.llmcache.autoconfigure.actuate;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.metrics.LlmCacheMetricsAutoConfiguration;
import dev.llmcache.autoconfigure.warmup.LlmCacheWarmupAutoConfiguration;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.metrics.LlmCacheStatistics;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.warmup.LlmCacheWarmer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code llmcache} Actuator endpoint, when Actuator is on the classpath and the endpoint is
 * available (enabled and exposed, as for any endpoint).
 */
@AutoConfiguration(after = { LlmCacheMetricsAutoConfiguration.class, LlmCacheWarmupAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(LlmCacheEngine.class)
@ConditionalOnAvailableEndpoint(LlmCacheEndpoint.class)
public class LlmCacheEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmCacheEndpoint llmCacheEndpoint(TieredCache cache, LlmCacheManager manager, LlmCacheStatistics statistics,
			ObjectProvider<LlmCacheWarmer> warmer) {
		return new LlmCacheEndpoint(cache, manager, statistics, warmer);
	}

}
