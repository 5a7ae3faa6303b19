package dev.llmcache.test;

import java.time.Duration;
import java.util.List;

import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.engine.FlightSettings;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.LoggingLlmCacheErrorHandler;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Engines as the engine and call-flow tests build them, one per simulated instance: a 10 MB L1,
 * optionally a Redis L2 on a connection of its own, the default policy and a logging error
 * handler.
 */
public final class TestEngines {

	private TestEngines() {
	}

	/**
	 * A Redis tier on a new, started Lettuce connection to {@code host:port} (which need not
	 * answer); the connection and the tier are added to {@code resources}, to be closed after the test.
	 */
	public static RedisTier redisTier(String host, int port, String keyPrefix, Duration timeout, Duration retryInterval,
			List<AutoCloseable> resources) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
		factory.afterPropertiesSet();
		factory.start();
		RedisTier tier = new RedisTier(factory, keyPrefix, timeout, retryInterval);
		resources.add(factory::destroy);
		resources.add(tier::destroy);
		return tier;
	}

	/** An engine over a 10 MB L1 and the given L2, if any, reporting every call to the listener. */
	public static LlmCacheEngine engine(@Nullable RedisTier l2, FlightSettings flight, LlmCacheListener listener) {
		TieredCache cache = new TieredCache(new LocalTier(10_000_000), l2, new JsonLlmCacheSerializer(), 0);
		return new LlmCacheEngine(cache, CacheabilityPolicy.defaults(), new LoggingLlmCacheErrorHandler(), flight,
				listener);
	}

}
