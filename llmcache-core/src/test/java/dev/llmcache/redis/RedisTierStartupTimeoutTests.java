package dev.llmcache.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.llmcache.key.CacheKey;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that is slow for a moment (here: paused, as a warming JVM or a loading model makes it
 * look) is not an outage during the start-up period, when calls get the longer start-up timeout;
 * after the period, the tight timeout applies again.
 */
class RedisTierStartupTimeoutTests {

	private static final CacheKey KEY = new CacheKey("startup", null,
			"0000000000000000000000000000000000000000000000000000000000000000");

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private LettuceConnectionFactory factory;

	private RedisTier tier;

	@AfterEach
	void close() {
		redis.resume();
		this.tier.destroy();
		this.factory.destroy();
	}

	private RedisTier connect(Duration startupTimeout, Duration startupPeriod) {
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.tier = new RedisTier(this.factory, "startup:", Duration.ofMillis(100), Duration.ofSeconds(1));
		this.tier.setStartupTimeout(startupTimeout, startupPeriod);
		// What is tested starts once the connection is open; a cold, busy JVM may take seconds to open it.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!this.tier.lookup(KEY).answered() && System.nanoTime() < deadline) {
			sleep(Duration.ofMillis(200));
		}
		return this.tier;
	}

	@Test
	void aSlowFirstCallIsNotAnOutageDuringTheStartupPeriod() {
		RedisTier tier = connect(Duration.ofSeconds(5), Duration.ofMinutes(1));
		assertThat(tier.availability().isUp()).isTrue();
		assertThat(tier.currentTimeoutMillis()).isEqualTo(5000);
		pauseFor(Duration.ofMillis(400));
		assertThat(tier.lookup(KEY).answered()).as("answered after the pause").isTrue();
		assertThat(tier.availability().isUp()).isTrue();
		assertThat(tier.availability().lastFailure()).isNull();
	}

	@Test
	void afterTheStartupPeriodTheTimeoutIsTightAgain() {
		RedisTier tier = connect(Duration.ofSeconds(5), Duration.ofMillis(1));
		assertThat(tier.availability().isUp()).isTrue();
		sleep(Duration.ofMillis(10));
		assertThat(tier.currentTimeoutMillis()).isEqualTo(100);
		pauseFor(Duration.ofMillis(1500));
		assertThat(tier.lookup(KEY).answered()).as("a pause past the timeout is an outage").isFalse();
		assertThat(tier.availability().isUp()).isFalse();
	}

	@Test
	void theStartupTimeoutIsNeverShorterThanTheTimeout() {
		RedisTier tier = connect(Duration.ofMillis(10), Duration.ofMinutes(1));
		assertThat(tier.currentTimeoutMillis()).isEqualTo(100);
		tier.setStartupTimeout(Duration.ofSeconds(3), Duration.ofMinutes(1));
		assertThat(tier.currentTimeoutMillis()).as("set after the connection opened").isEqualTo(3000);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void pauseFor(Duration pause) {
		redis.pause();
		CompletableFuture.runAsync(redis::resume, CompletableFuture.delayedExecutor(pause.toMillis(),
				TimeUnit.MILLISECONDS));
	}

}
