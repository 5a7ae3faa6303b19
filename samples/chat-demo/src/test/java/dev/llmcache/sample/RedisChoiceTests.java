package dev.llmcache.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * How the demo decides, once, whether to use Redis.
 */
class RedisChoiceTests {

	@Test
	void withoutRedisPropertiesBootsRedisAutoConfigurationIsExcluded() {
		StandardEnvironment environment = environment(Map.of("spring.autoconfigure.exclude", "com.example.Other"));
		new RedisChoice().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.autoconfigure.exclude")).startsWith("com.example.Other,")
			.contains(RedisChoice.REDIS_AUTO_CONFIGURATIONS);
	}

	@Test
	void aConfiguredHostPortOrUrlTurnsRedisOn() {
		for (String property : new String[] { "spring.data.redis.host", "spring.data.redis.port",
				"spring.data.redis.url" }) {
			StandardEnvironment environment = environment(Map.of(property, "x"));
			new RedisChoice().postProcessEnvironment(environment, new SpringApplication());
			assertThat(environment.getProperty("spring.autoconfigure.exclude")).as(property).isNull();
		}
	}

	@Test
	void offWinsOverAConfiguredHost() {
		StandardEnvironment environment = environment(
				Map.of("spring.data.redis.host", "localhost", "llmcache.demo.redis", "off"));
		new RedisChoice().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.autoconfigure.exclude")).contains(RedisChoice.REDIS_AUTO_CONFIGURATIONS);
	}

	@Test
	void anUnknownChoiceStopsTheApplication() {
		StandardEnvironment environment = environment(Map.of("llmcache.demo.redis", "always"));
		assertThatIllegalStateException()
			.isThrownBy(() -> new RedisChoice().postProcessEnvironment(environment, new SpringApplication()))
			.withMessage("llmcache.demo.redis must be 'auto' or 'off', got 'always'");
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

}
