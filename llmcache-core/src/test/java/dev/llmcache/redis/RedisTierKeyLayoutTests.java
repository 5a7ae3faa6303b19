package dev.llmcache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.llmcache.key.CacheKey;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the stamp and the lease of an entry live (docs/consistency.md): beside the entry, in its
 * hash slot, under the key prefix. The keys are built from bytes on every lookup, so the layout is
 * pinned here, for a plain prefix and for one with a hash tag of its own.
 */
class RedisTierKeyLayoutTests {

	private static final String HASH = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	private static final CacheKey KEY = new CacheKey("layout", null, HASH);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private LettuceConnectionFactory factory;

	private RedisTier tier;

	@AfterEach
	void close() {
		if (this.factory == null) {
			return;
		}
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.serverCommands().flushAll();
		}
		this.tier.destroy();
		this.factory.destroy();
	}

	@Test
	void anEvictionStampsTheKeyBesideTheEntryInTheEntrysHashSlot() {
		RedisTier tier = connect("layout:");
		assertThat(utf8(tier.entryKey(KEY))).isEqualTo("layout:e:" + HASH);
		assertThat(utf8(tier.stampKey(tier.entryKey(KEY)))).isEqualTo("layout:s:{layout:e:" + HASH + "}");
		assertThat(utf8(tier.leaseKey(tier.entryKey(KEY)))).isEqualTo("layout:l:{layout:e:" + HASH + "}");
		assertThat(keys()).containsExactly("layout:s:{layout:e:" + HASH + "}");
	}

	@Test
	void aPrefixWithAHashTagOfItsOwnKeepsStampAndLeaseUnderThatTag() {
		RedisTier tier = connect("{app}:");
		assertThat(utf8(tier.stampKey(tier.entryKey(KEY)))).isEqualTo("{app}:s:e:" + HASH);
		assertThat(utf8(tier.leaseKey(tier.entryKey(KEY)))).isEqualTo("{app}:l:e:" + HASH);
		assertThat(keys()).containsExactly("{app}:s:e:" + HASH);
	}

	@Test
	void aPrefixWithAnEmptyPairOfBracesHasNoHashTag() {
		RedisTier tier = connect("a{}:");
		assertThat(utf8(tier.stampKey(tier.entryKey(KEY)))).isEqualTo("a{}:s:{a{}:e:" + HASH + "}");
		assertThat(keys()).containsExactly("a{}:s:{a{}:e:" + HASH + "}");
	}

	@Test
	void generationsAreReadAsDecimalNumbersAndAnythingElseAsNone() {
		assertThat(RedisTier.parseGeneration(utf8("8090465287462192147"))).isEqualTo(8090465287462192147L);
		assertThat(RedisTier.parseGeneration(utf8("42"))).isEqualTo(42);
		assertThat(RedisTier.parseGeneration(utf8("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
		assertThat(RedisTier.parseGeneration(utf8("-7"))).isEqualTo(-7);
		assertThat(RedisTier.parseGeneration(utf8("9223372036854775808"))).isZero();
		assertThat(RedisTier.parseGeneration(utf8("12a"))).isZero();
		assertThat(RedisTier.parseGeneration(utf8(""))).isZero();
		assertThat(RedisTier.parseGeneration(null)).isZero();
	}

	/** A tier on the test's Redis, once it has confirmed an eviction of {@link #KEY}. */
	private RedisTier connect(String keyPrefix) {
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.tier = new RedisTier(this.factory, keyPrefix, Duration.ofSeconds(5), Duration.ofMillis(10));
		// A cold, busy JVM may take seconds to open the connection: the first evictions may not be confirmed.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!this.tier.evict(KEY)) {
			assertThat(System.nanoTime()).as("the eviction was confirmed within a minute").isLessThan(deadline);
		}
		return this.tier;
	}

	private Set<String> keys() {
		Set<String> keys = new TreeSet<>();
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.keyCommands().keys(utf8("*")).forEach(key -> keys.add(utf8(key)));
		}
		return keys;
	}

	private static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
