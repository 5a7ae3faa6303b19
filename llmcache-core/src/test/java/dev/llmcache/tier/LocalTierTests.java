package dev.llmcache.tier;

import java.time.Duration;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalTierTests {

	private final MutableClock clock = MutableClock.now();

	@Test
	void boundedByRetainedBytesNotByCount() {
		LocalTier tier = new LocalTier(10_000);
		String answer = "x".repeat(900);
		for (int i = 0; i < 100; i++) {
			tier.put(key("ns", i), value(answer + i, 60_000, 10));
		}
		tier.cleanUp();
		// About 1.3 KB each on the heap (900 characters, key, entry, Caffeine's node), whatever was stored.
		assertThat(tier.weightedSize()).isLessThanOrEqualTo(10_000);
		assertThat(tier.estimatedSize()).isBetween(5L, 8L);
	}

	@Test
	void anEntryIsNeverServedAfterItsOwnExpiry() {
		LocalTier tier = new LocalTier(1_000_000, builder -> {
		}, this.clock);
		tier.put(key("ns", 1), value("short", 150, 10));
		tier.put(key("ns", 2), value("long", 60_000, 10));
		assertThat(tier.get(key("ns", 1))).isNotNull();
		this.clock.advance(Duration.ofMillis(149));
		assertThat(tier.get(key("ns", 1))).as("not yet expired").isNotNull();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(tier.get(key("ns", 1))).isNull();
		assertThat(tier.get(key("ns", 2)).value()).isEqualTo("long");
	}

	@Test
	void expiredEntriesNeverReadAgainAreSweptOut() {
		LocalTier tier = new LocalTier(1_000_000, builder -> {
		}, this.clock);
		for (int i = 0; i < 50; i++) {
			tier.put(key("ns", i), value("short " + i, 100, 100));
		}
		tier.put(key("ns", 99), value("long", 60_000, 100));
		this.clock.advance(Duration.ofMillis(200));
		tier.cleanUp();
		assertThat(tier.estimatedSize()).isEqualTo(1);
		assertThat(tier.weightedSize())
			.isEqualTo(new HeapWeigher().weigh(key("ns", 99), tier.get(key("ns", 99))));
		assertThat(tier.get(key("ns", 99)).value()).isEqualTo("long");
	}

	@Test
	void aStoreSweepsExpiredEntriesOnceTheSweepIntervalHasPassed() {
		LocalTier tier = new LocalTier(1_000_000, builder -> {
		}, this.clock);
		for (int i = 0; i < 50; i++) {
			tier.put(key("ns", i), value("short " + i, 100, 100));
		}
		this.clock.advance(Duration.ofSeconds(59));
		tier.put(key("ns", 98), value("long", 60_000, 100));
		assertThat(tier.estimatedSize()).as("expired, not yet swept").isEqualTo(51);
		this.clock.advance(Duration.ofSeconds(1));
		tier.put(key("ns", 99), value("long", 60_000, 100));
		assertThat(tier.estimatedSize()).as("swept by the store a minute after the tier began").isEqualTo(2);
	}

	@Test
	void anAlreadyExpiredEntryIsNotStored() {
		LocalTier tier = new LocalTier(1_000_000);
		long now = System.currentTimeMillis();
		tier.put(key("ns", 1), new CachedValue("old", null, TokenUsage.UNKNOWN, now - 2000, now - 1000, 0, 10));
		assertThat(tier.get(key("ns", 1))).isNull();
	}

	@Test
	void invalidateNamespaceLeavesOtherNamespaces() {
		LocalTier tier = new LocalTier(1_000_000);
		tier.put(key("a", 1), value("a1", 60_000, 10));
		tier.put(key("a", 2), value("a2", 60_000, 10));
		tier.put(key("b", 1), value("b1", 60_000, 10));
		tier.invalidateNamespace("a");
		assertThat(tier.get(key("a", 1))).isNull();
		assertThat(tier.get(key("a", 2))).isNull();
		assertThat(tier.get(key("b", 1)).value()).isEqualTo("b1");
	}

	static CacheKey key(String namespace, int i) {
		return new CacheKey(namespace, null, String.format("%064x", i));
	}

	CachedValue value(String text, long ttlMillis, int bytes) {
		long now = this.clock.millis();
		return new CachedValue(text, null, TokenUsage.UNKNOWN, now, now + ttlMillis, 0, bytes);
	}

}
