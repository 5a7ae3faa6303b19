package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Caps Lettuce's reconnect back-off at {@code llmcache.redis.reconnect-max-delay} (1s) in the
 * client resources Spring Boot builds. Lettuce's own back-off grows to 30 s, so after an outage of
 * a minute a restarted Redis went unused for up to 30 s, whatever {@code llmcache.redis.retry-interval}
 * said. A value of 0 leaves Lettuce's default; an application's own {@code ClientResources} bean is
 * not touched.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ ClientResources.class, ClientResourcesBuilderCustomizer.class })
@ConditionalOnProperty(prefix = "llmcache", name = { "enabled", "redis.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(LlmCacheProperties.class)
public class LlmCacheRedisClientAutoConfiguration {

	@Bean
	ClientResourcesBuilderCustomizer llmCacheReconnectDelay(LlmCacheProperties properties) {
		Duration cap = properties.getRedis().getReconnectMaxDelay();
		return builder -> {
			if (cap != null && !cap.isNegative() && !cap.isZero()) {
				builder.reconnectDelay(Delay.exponential(Duration.ZERO, cap, 2, TimeUnit.MILLISECONDS));
			}
		};
	}

}
