package dev.llmcache.tier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two tiers together against a real Redis.
 */
class TieredCacheTests {

	private static final ValueType STRING = ValueType.of(String.class);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private LettuceConnectionFactory connectionFactory;

	private RedisTier redisTier;

	@BeforeEach
	void connect() {
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.redisTier = new RedisTier(this.connectionFactory, "test:", Duration.ofSeconds(1), Duration.ofMillis(100));
	}

	@AfterEach
	void disconnect() {
		this.redisTier.destroy();
		this.connectionFactory.destroy();
	}

	@Test
	void anL2HitBackFillsL1WithTheRemainingLifetime() {
		TieredCache writer = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		LocalTier local = new LocalTier(1_000_000);
		TieredCache reader = new TieredCache(local, this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey key = key("ns", 1);
		TieredCache.Lookup miss = writer.get(key, STRING, true);
		assertThat(miss.isHit()).isFalse();
		CachedValue stored = writer.put(key, STRING, "Paris", "gpt-4o-mini", new TokenUsage(10, 2), Duration.ofMinutes(5), miss);

		TieredCache.Lookup hit = reader.get(key, STRING, true);
		assertThat(hit.tier()).isSameAs(this.redisTier);
		assertThat(hit.value().value()).isEqualTo("Paris");
		assertThat(hit.value().usage()).isEqualTo(new TokenUsage(10, 2));
		assertThat(local.get(key).expiresAt()).isEqualTo(stored.expiresAt());
		assertThat(reader.get(key, STRING, true).tier()).isSameAs(local);
	}

	@Test
	void redisTtlFollowsTheEntryWithJitterNeverLongerThanAsked() {
		TieredCache cache = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0.5);
		for (int i = 0; i < 20; i++) {
			CacheKey key = key("ns", i);
			cache.put(key, STRING, "v", null, TokenUsage.UNKNOWN, Duration.ofSeconds(100), cache.get(key, STRING, true));
		}
		long min = Long.MAX_VALUE;
		long max = 0;
		for (int i = 0; i < 20; i++) {
			long pttl = Long.parseLong(redis.command("PTTL", redisKey(key("ns", i))).trim());
			min = Math.min(min, pttl);
			max = Math.max(max, pttl);
		}
		assertThat(max).isLessThanOrEqualTo(100_000);
		assertThat(min).isGreaterThanOrEqualTo(49_000);
		assertThat(max - min).as("entries written together expire apart").isGreaterThan(1_000);
	}

	@Test
	void clearingANamespaceMakesItsEntriesUnreachableWithoutScanning() {
		TieredCache cache = new TieredCache(new LocalTier(1_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		TieredCache other = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey a = key("a", 1);
		CacheKey b = key("b", 1);
		cache.put(a, STRING, "a", null, TokenUsage.UNKNOWN, Duration.ofMinutes(1), cache.get(a, STRING, true));
		cache.put(b, STRING, "b", null, TokenUsage.UNKNOWN, Duration.ofMinutes(1), cache.get(b, STRING, true));
		String before = redis.command("GET", "test:g:a").trim();
		cache.clearNamespace("a");
		assertThat(cache.get(a, STRING, true).isHit()).isFalse();
		assertThat(other.get(a, STRING, true).isHit()).isFalse();
		assertThat(other.get(b, STRING, true).value().value()).isEqualTo("b");
		String after = redis.command("GET", "test:g:a").trim();
		assertThat(after).as("a new generation").isNotEqualTo(before);
		assertThat(Long.parseLong(after)).as("random, not a counter an empty restart could repeat")
			.isGreaterThan(1_000_000L);
	}

	@Test
	void aClearDuringACallInFlightWins() {
		TieredCache cache = new TieredCache(new LocalTier(1_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey key = key("ns", 7);
		TieredCache.Lookup miss = cache.get(key, STRING, true);
		cache.clearNamespace("ns");
		assertThat(cache.put(key, STRING, "stale", null, TokenUsage.UNKNOWN, Duration.ofMinutes(1), miss)).isNull();
		assertThat(cache.get(key, STRING, true).isHit()).isFalse();
	}

	@Test
	void anEntryWrittenUnderAnOldGenerationIsAMiss() {
		TieredCache cache = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		TieredCache other = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey key = key("ns", 8);
		TieredCache.Lookup miss = cache.get(key, STRING, true);
		other.clearNamespace("ns");
		cache.put(key, STRING, "written after the clear under the old generation", null, TokenUsage.UNKNOWN,
				Duration.ofMinutes(1), miss);
		assertThat(cache.get(key, STRING, true).isHit()).isFalse();
	}

	@Test
	void undecodableBytesAreAMiss() {
		TieredCache cache = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey key = key("ns", 9);
		redis.command("SET", redisKey(key), "{\"v\":1,\"type\":\"string\"");
		assertThat(cache.get(key, STRING, true).isHit()).isFalse();
	}

	@Test
	void aPausedRedisIsAMissBoundedByTheTimeoutAndIsThenSkipped() {
		TieredCache cache = new TieredCache(null, this.redisTier, new JsonLlmCacheSerializer(), 0);
		CacheKey key = key("ns", 10);
		cache.get(key, STRING, true);
		redis.pause();
		try {
			long start = System.nanoTime();
			TieredCache.Lookup first = cache.get(key, STRING, true);
			long firstMillis = (System.nanoTime() - start) / 1_000_000;
			assertThat(first.isHit()).isFalse();
			assertThat(first.isConclusive()).as("Redis did not answer").isFalse();
			assertThat(firstMillis).as("bounded by the timeout, not hung").isLessThan(5_000);
			assertThat(this.redisTier.availability().isUp()).isFalse();
			assertThat(this.redisTier.availability().permits()).as("skipped until the retry interval").isFalse();
		}
		finally {
			redis.resume();
		}
	}

	private String redisKey(CacheKey key) {
		return new String(this.redisTier.entryKey(key), StandardCharsets.UTF_8);
	}

	private static CacheKey key(String namespace, int i) {
		return new CacheKey(namespace, null, String.format("%064x", i));
	}

}
