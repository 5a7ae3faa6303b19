package dev.llmcache.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.llmcache.key.CacheKey;
import dev.llmcache.test.RealParts;
import dev.llmcache.tier.AbstractTierTests;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * L2 under the {@link dev.llmcache.tier.Tier} contract, on a real redis-server.
 */
class RedisTierContractTests extends AbstractTierTests<RedisTier> {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private LettuceConnectionFactory connectionFactory;

	@Override
	protected RedisTier createTier() {
		redis.flushAll();
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		RedisTier tier = new RedisTier(this.connectionFactory, "contract:", Duration.ofSeconds(2), Duration.ofMillis(100));
		// Connected before the test begins: an eviction made while the connection is still being
		// opened is reported unconfirmed, which is not what these tests are about.
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (!tier.lookup(new CacheKey("warm-up", null, "f".repeat(64))).answered() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		return tier;
	}

	@Test
	void aLeaseWaiterHearsTheHoldersAnnouncementFromAnotherInstance() throws Exception {
		RedisTier other = new RedisTier(this.connectionFactory, "contract:", Duration.ofSeconds(2), Duration.ofMillis(100));
		try {
			CacheKey key = key("ns", 42);
			CacheKey unrelated = key("ns", 43);
			CompletableFuture<Void> notice = this.tier.announced(key);
			CompletableFuture<Void> otherNotice = this.tier.announced(unrelated);
			// The subscription is made on first use, asynchronously: announce until it is heard.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!notice.isDone() && System.nanoTime() < deadline) {
				other.announce(key);
				Thread.sleep(50);
			}
			assertThat(notice).succeedsWithin(Duration.ofSeconds(1));
			assertThat(otherNotice).as("a notice for another key").isNotDone();
			otherNotice.cancel(false);
		}
		finally {
			other.destroy();
		}
	}

	@AfterEach
	void disconnect() {
		this.tier.destroy();
		this.connectionFactory.destroy();
	}

}
