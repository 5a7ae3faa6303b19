package dev.llmcache.coherence;

import java.time.Duration;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.RealParts;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * L1 coherence against a real Redis: an instance answers from L1 only once it hears invalidations.
 */
class RedisL1CoherenceTests {

	private static final ValueType STRING = ValueType.of(String.class);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	// Regression: an instance that had not subscribed yet kept serving an L1 copy that another
	// instance evicted meanwhile (seen as flaky cross-instance eviction tests under load).
	@Test
	void whatL1TookInBeforeTheSubscriptionIsNeverServed() throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		RedisTier redisTier = new RedisTier(factory, "coherence:", Duration.ofSeconds(1), Duration.ofMillis(200));
		TieredCache cache = new TieredCache(new LocalTier(1_000_000), redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey before = key("before");
		cache.local().put(before, value("possibly evicted elsewhere"));
		RedisL1Coherence coherence = new RedisL1Coherence(cache, redisTier, factory, "coherence:invalidations");
		coherence.start();
		try {
			CacheKey after = key("after");
			long deadline = System.currentTimeMillis() + 10_000;
			TieredCache.Lookup lookup;
			do {
				assertThat(cache.get(before, STRING, true).isHit()).as("the copy taken in before").isFalse();
				cache.local().put(after, value("stored once subscribed"));
				lookup = cache.get(after, STRING, true);
				Thread.sleep(10);
			}
			while (!(lookup.tier() instanceof LocalTier) && System.currentTimeMillis() < deadline);
			assertThat(lookup.tier()).as("L1 answers once invalidations are heard").isInstanceOf(LocalTier.class);
			assertThat(cache.get(before, STRING, true).isHit()).isFalse();
		}
		finally {
			coherence.destroy();
			redisTier.destroy();
			factory.destroy();
		}
	}

	private static CacheKey key(String id) {
		return new CacheKey("ns", null, String.format("%064x", id.hashCode() & 0xffffffffL));
	}

	private static CachedValue value(String text) {
		long now = System.currentTimeMillis();
		return new CachedValue(text, null, TokenUsage.UNKNOWN, now, now + 60_000, 0, 10);
	}

}
