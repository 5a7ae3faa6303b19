package dev.llmcache.tier;

import java.time.Duration;
import java.util.List;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.LlmCacheSerializer;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link Tier}, run against every implementation the way Spring's
 * {@code AbstractCacheTests} runs against every {@code Cache}: a subclass provides a fresh tier.
 *
 * <p>Tokens and invalidations go through a {@link TieredCache} over the tier alone, which is how
 * the engine reaches tiers; lookups and stores are made on the tier itself.
 */
public abstract class AbstractTierTests<T extends Tier> {

	protected static final ValueType STRING = ValueType.of(String.class);

	private final LlmCacheSerializer serializer = new JsonLlmCacheSerializer();

	protected T tier;

	protected TieredCache cache;

	/** A new tier; each test gets one, over an empty store. */
	protected abstract T createTier();

	@BeforeEach
	void createTierUnderTest() {
		this.tier = createTier();
		this.cache = new TieredCache(List.of(this.tier), this.serializer, 0);
	}

	@Test
	void anAbsentKeyIsAnsweredEmpty() {
		Tier.Read read = this.tier.lookup(key("ns", 1));
		assertThat(read.answered()).isTrue();
		assertThat(read.isEmpty()).isTrue();
		assertThat(served(key("ns", 1))).isNull();
	}

	@Test
	void aStoredEntryIsServedWithWhatIsKnownOfIt() {
		CacheKey key = key("ns", 2);
		assertThat(store(key, "Paris", began(key), 60_000)).isTrue();
		CachedValue served = served(key);
		assertThat(served).isNotNull();
		assertThat(served.value()).isEqualTo("Paris");
		assertThat(served.model()).isEqualTo("gpt-test");
		assertThat(served.usage()).isEqualTo(new TokenUsage(7, 3));
	}

	@Test
	void aStoreReplacesTheEntryOfItsKey() {
		CacheKey key = key("ns", 3);
		store(key, "first", began(key), 60_000);
		store(key, "second", began(key), 60_000);
		assertThat(served(key).value()).isEqualTo("second");
	}

	@Test
	void evictRemovesThatKeyOnly() {
		CacheKey evicted = key("ns", 4);
		CacheKey kept = key("ns", 5);
		store(evicted, "evicted", began(evicted), 60_000);
		store(kept, "kept", began(kept), 60_000);
		this.tier.evict(evicted);
		assertThat(served(evicted)).isNull();
		assertThat(served(kept).value()).isEqualTo("kept");
	}

	@Test
	void clearMakesThatNamespaceUnreachableOnly() {
		CacheKey cleared = key("a", 6);
		CacheKey kept = key("b", 6);
		store(cleared, "a", began(cleared), 60_000);
		store(kept, "b", began(kept), 60_000);
		this.tier.clear("a");
		assertThat(served(cleared)).isNull();
		assertThat(served(kept).value()).isEqualTo("b");
		CacheKey again = key("a", 7);
		store(again, "after the clear", began(again), 60_000);
		assertThat(served(again).value()).as("a cleared namespace takes new entries").isEqualTo("after the clear");
	}

	@Test
	void aStoreFromACallThatBeganBeforeAnEvictionOfItsKeyIsRefused() {
		CacheKey key = key("ns", 8);
		StoreToken token = began(key);
		this.cache.evict(key);
		assertThat(store(key, "stale", token, 60_000)).isFalse();
		assertThat(served(key)).isNull();
	}

	@Test
	void aStoreFromACallThatBeganBeforeAClearOfItsNamespaceIsRefused() {
		CacheKey key = key("ns", 9);
		StoreToken token = began(key);
		this.cache.clearNamespace("ns");
		assertThat(store(key, "stale", token, 60_000)).isFalse();
		assertThat(served(key)).isNull();
	}

	@Test
	void anInvalidationOfAnotherKeyOrNamespaceRefusesNothing() {
		CacheKey key = key("ns", 10);
		StoreToken token = began(key);
		this.cache.evict(key("ns", 11));
		this.cache.clearNamespace("other");
		assertThat(store(key, "fresh", token, 60_000)).isTrue();
		assertThat(served(key).value()).isEqualTo("fresh");
	}

	@Test
	void aCallThatBeganAfterAnEvictionStores() {
		CacheKey key = key("ns", 12);
		this.cache.evict(key);
		assertThat(store(key, "fresh", began(key), 60_000)).isTrue();
		assertThat(served(key).value()).isEqualTo("fresh");
	}

	@Test
	void anEntryIsNotServedAfterItsExpiry() throws InterruptedException {
		CacheKey key = key("ns", 13);
		store(key, "short-lived", began(key), 150);
		assertThat(served(key)).isNotNull();
		elapse(Duration.ofMillis(300));
		assertThat(served(key)).isNull();
	}

	@Test
	void theNamesAreShortAndLowerCase() {
		assertThat(this.tier.name()).matches("[a-z0-9]{1,8}");
	}

	/**
	 * The token of a call beginning now, after its lookup through the cache: a shared tier reports
	 * the key's stamp then, and refuses a store when the key was stored or evicted since.
	 */
	/**
	 * The time against which entries are stamped and judged expired: the wall clock, unless the
	 * tier reads time from a clock the subclass controls.
	 */
	protected long now() {
		return System.currentTimeMillis();
	}

	/**
	 * Let time pass for the tier. Real time by default, as a store that expires entries itself
	 * (Redis) needs; a subclass whose tier reads a clock it controls advances that clock instead.
	 */
	protected void elapse(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	protected StoreToken began(CacheKey key) {
		return this.cache.get(key, STRING, true).token();
	}

	/**
	 * Store through the tier, with the entry tagged as {@link TieredCache} tags it: with the
	 * generation the tier reports now.
	 */
	protected boolean store(CacheKey key, String value, StoreToken token, long ttlMillis) {
		Tier.Read read = this.tier.lookup(key);
		long generation = Math.max(read.generation(), 0);
		long now = now();
		CachedValue entry = new CachedValue(value, "gpt-test", new TokenUsage(7, 3), now, now + ttlMillis, generation,
				0);
		byte[] bytes = this.serializer.serialize(entry, STRING, key);
		entry = new CachedValue(value, "gpt-test", new TokenUsage(7, 3), now, now + ttlMillis, generation,
				bytes.length);
		return this.tier.store(key, entry, bytes, ttlMillis, token);
	}

	/**
	 * What the tier would serve for a key under the contract's rules: the entry decoded, unless it
	 * is absent, expired or written under an older generation.
	 */
	protected @Nullable CachedValue served(CacheKey key) {
		Tier.Read read = this.tier.lookup(key);
		assertThat(read.answered()).as("the tier answers").isTrue();
		if (read.isEmpty()) {
			return null;
		}
		CachedValue value = (read.value() != null) ? read.value() : this.serializer.deserialize(read.bytes(), STRING, key);
		if (value.isExpired(now())) {
			return null;
		}
		if (read.generation() != Tier.Read.NO_GENERATION && value.generation() != read.generation()) {
			return null;
		}
		return value;
	}

	protected static CacheKey key(String namespace, int i) {
		return new CacheKey(namespace, null, String.format("%064x", i));
	}

	protected static Duration minutes(int minutes) {
		return Duration.ofMinutes(minutes);
	}

}
