package dev.llmcache.autoconfigure.actuate;

import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.redis.RedisTier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code llmcache} health indicator (enabled by {@code management.health.llmcache.enabled}),
 * when llmcache has a Redis tier: Redis down reports {@code DEGRADED}, never {@code DOWN}.
 */
@AutoConfiguration(after = LlmCacheAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RedisTier.class)
@ConditionalOnEnabledHealthIndicator("llmcache")
public class LlmCacheHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmcacheHealthIndicator")
	LlmCacheHealthIndicator llmcacheHealthIndicator(RedisTier redis) {
		return new LlmCacheHealthIndicator(redis);
	}

}
