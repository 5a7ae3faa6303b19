package dev.llmcache.sample;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Decides once, before the context starts, whether the demo uses Redis as L2.
 *
 * <p>Spring Boot's Redis auto-configuration creates a connection factory for localhost:6379 even
 * when nothing was configured, so whether the demo used L2 would depend on whatever happens to
 * listen on that port. The demo instead uses Redis only when asked: with
 * {@code llmcache.demo.redis=auto} (the default) when {@code spring.data.redis.host},
 * {@code .port} or {@code .url} is set, never with {@code off}. Otherwise Boot's Redis
 * auto-configurations are excluded and llmcache logs once that it caches in L1 only. A configured
 * Redis that is down is not probed here: llmcache itself fails open and says so.
 */
public class RedisChoice implements EnvironmentPostProcessor {

	static final String[] REDIS_AUTO_CONFIGURATIONS = {
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration" };

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (usesRedis(environment)) {
			return;
		}
		Set<String> excluded = new LinkedHashSet<>(
				StringUtils.commaDelimitedListToSet(environment.getProperty("spring.autoconfigure.exclude", "")));
		excluded.remove("");
		excluded.addAll(Set.of(REDIS_AUTO_CONFIGURATIONS));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("llmcacheDemoRedisChoice",
					Map.of("spring.autoconfigure.exclude", String.join(",", excluded))));
	}

	static boolean usesRedis(ConfigurableEnvironment environment) {
		String choice = environment.getProperty("llmcache.demo.redis", "auto").trim();
		if ("off".equalsIgnoreCase(choice)) {
			return false;
		}
		if (!"auto".equalsIgnoreCase(choice)) {
			throw new IllegalStateException("llmcache.demo.redis must be 'auto' or 'off', got '" + choice + "'");
		}
		return environment.containsProperty("spring.data.redis.host")
				|| environment.containsProperty("spring.data.redis.port")
				|| environment.containsProperty("spring.data.redis.url");
	}

}
