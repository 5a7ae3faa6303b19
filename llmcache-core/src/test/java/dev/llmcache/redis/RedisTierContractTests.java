package dev.llmcache.redis;

import java.time.Duration;

import dev.llmcache.tier.AbstractTierTests;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * L2 under the {@link dev.llmcache.tier.Tier} contract, on a real redis-server.
 */
class RedisTierContractTests extends AbstractTierTests<RedisTier> {

	private static RedisServerProcess redis;

	private LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	protected RedisTier createTier() {
		redis.flushAll();
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		return new RedisTier(this.connectionFactory, "contract:", Duration.ofSeconds(2), Duration.ofMillis(100));
	}

	@AfterEach
	void disconnect() {
		this.tier.destroy();
		this.connectionFactory.destroy();
	}

}
