package dev.llmcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Real Spring Boot application contexts, as an application gets them: CGLIB proxies from Boot's
 * AOP auto-configuration, and either llmcache's auto-configuration or {@code @EnableCaching} with a
 * {@code CaffeineCacheManager}.
 */
final class Contexts {

	private Contexts() {
	}

	/** llmcache with L1 only. */
	static ConfigurableApplicationContext llmcacheL1(String... properties) {
		return run(LlmCacheL1Application.class, properties);
	}

	/** llmcache with L2 on the given Redis; further properties may switch L1 off. */
	static ConfigurableApplicationContext llmcacheRedis(RedisProcess redis, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.data.redis.host=" + RedisProcess.HOST,
				"spring.data.redis.port=" + redis.port(), "llmcache.redis.ttl-jitter=0"));
		all.addAll(List.of(properties));
		return run(LlmCacheRedisApplication.class, all.toArray(String[]::new));
	}

	/** Spring's cache abstraction over Caffeine. */
	static ConfigurableApplicationContext cacheable() {
		return run(CacheableApplication.class);
	}

	/**
	 * The baseline Spring teams use for a shared cache today: {@code @Cacheable} over Spring Data
	 * Redis's {@code RedisCacheManager} on the given Redis.
	 * @param json whether values are stored as JSON ({@code GenericJacksonJsonRedisSerializer})
	 * rather than with the default JDK serialization
	 */
	static ConfigurableApplicationContext redisCacheManager(RedisProcess redis, boolean json) {
		return run(RedisCacheManagerApplication.class, "spring.data.redis.host=" + RedisProcess.HOST,
				"spring.data.redis.port=" + redis.port(), "benchmarks.redis-cache.json=" + json);
	}

	private static ConfigurableApplicationContext run(Class<?> source, String... properties) {
		List<String> all = new ArrayList<>(List.of("logging.level.root=WARN", "spring.main.log-startup-info=false"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(source).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties(all.toArray(String[]::new))
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, LlmCacheAutoConfiguration.class })
	static class LlmCacheL1Application {

		@Bean
		Services.LlmCachedService llmCachedService() {
			return new Services.LlmCachedService(new Services.Model());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, DataRedisAutoConfiguration.class,
			LlmCacheAutoConfiguration.class })
	static class LlmCacheRedisApplication {

		@Bean
		Services.LlmCachedService llmCachedService() {
			return new Services.LlmCachedService(new Services.Model());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration(AopAutoConfiguration.class)
	static class CacheableApplication {

		@Bean
		CaffeineCacheManager cacheManager() {
			CaffeineCacheManager manager = new CaffeineCacheManager();
			manager.setCaffeine(Caffeine.newBuilder().maximumSize(100_000));
			return manager;
		}

		@Bean
		Services.CacheableService cacheableService() {
			return new Services.CacheableService(new Services.Model());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration({ AopAutoConfiguration.class, DataRedisAutoConfiguration.class })
	static class RedisCacheManagerApplication {

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory, Environment environment) {
			RedisCacheConfiguration configuration = RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(Duration.ofHours(1));
			if (environment.getProperty("benchmarks.redis-cache.json", Boolean.class, false)) {
				// Its own prefix: the default baseline's JDK-serialized entries share the Redis.
				configuration = configuration.prefixCacheNameWith("json:")
					.serializeValuesWith(RedisSerializationContext.SerializationPair
						.fromSerializer(GenericJacksonJsonRedisSerializer.builder().build()));
			}
			return RedisCacheManager.builder(connectionFactory).cacheDefaults(configuration).build();
		}

		@Bean
		Services.CacheableService cacheableService() {
			return new Services.CacheableService(new Services.Model());
		}

	}

}
