package dev.llmcache.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Folds Lettuce's reconnect lines into llmcache's own: while Redis is away, Lettuce's
 * {@code ConnectionWatchdog} logs an INFO and a WARN at every attempt (about ten lines an outage,
 * one a second with llmcache's reconnect cap), where llmcache already logs one WARN when the
 * outage starts and one INFO when it ends. This sets that logger to ERROR as a default of the lowest
 * precedence: an application that sets {@code logging.level.io.lettuce.core.protocol.ConnectionWatchdog}
 * itself keeps its own level, and {@code llmcache.redis.quiet-reconnect=false} leaves it alone.
 */
class LettuceReconnectLogging implements EnvironmentPostProcessor {

	static final String LOGGER = "logging.level.io.lettuce.core.protocol.ConnectionWatchdog";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("llmcache.enabled", Boolean.class, true)
				|| !environment.getProperty("llmcache.redis.enabled", Boolean.class, true)
				|| !environment.getProperty("llmcache.redis.quiet-reconnect", Boolean.class, true)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("llmcacheLettuceReconnectLogging", Map.of(LOGGER, "ERROR")));
	}

}
