package dev.llmcache.tier;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * L1 under the {@link Tier} contract, and the atomicity of its token check.
 */
class LocalTierContractTests extends AbstractTierTests<LocalTier> {

	private final MutableClock clock = MutableClock.now();

	@Override
	protected LocalTier createTier() {
		return new LocalTier(1_000_000, builder -> {
		}, this.clock);
	}

	@Override
	protected long now() {
		return this.clock.millis();
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

	@Test
	void aStoreRacingAnEvictionThatBeganAfterItNeverOutlivesTheEviction() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			int survived = 0;
			for (int i = 0; i < 500; i++) {
				CacheKey key = key("race", i);
				StoreToken token = this.cache.begin(key);
				CountDownLatch go = new CountDownLatch(1);
				Future<Boolean> store = threads.submit(() -> {
					go.await();
					return store(key, "stale", token, 60_000);
				});
				Future<?> evict = threads.submit(() -> {
					go.await();
					this.cache.evict(key);
					return null;
				});
				go.countDown();
				store.get();
				evict.get();
				if (served(key) != null) {
					survived++;
				}
			}
			assertThat(survived).as("entries from calls that began before the eviction, served after it").isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aStoreRacingANamespaceClearThatBeganAfterItNeverOutlivesTheClear() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			int survived = 0;
			for (int i = 0; i < 500; i++) {
				CacheKey key = key("race" + i, i);
				StoreToken token = this.cache.begin(key);
				CountDownLatch go = new CountDownLatch(1);
				Future<Boolean> store = threads.submit(() -> {
					go.await();
					return store(key, "stale", token, 60_000);
				});
				Future<?> clear = threads.submit(() -> {
					go.await();
					this.cache.clearNamespace(key.namespace());
					return null;
				});
				go.countDown();
				store.get();
				clear.get();
				if (served(key) != null) {
					survived++;
				}
			}
			assertThat(survived).as("entries from calls that began before the clear, served after it").isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void pastItsBoundTheInvalidationRecordRefusesOldTokensRatherThanForgetting() {
		CacheKey key = key("ns", 1);
		StoreToken old = this.cache.begin(key);
		this.cache.evict(key);
		for (int i = 0; i < LocalInvalidations.MAX_KEYS + 10; i++) {
			this.cache.evict(key("other", 100 + i));
		}
		assertThat(old.isCurrent()).isFalse();
		StoreToken fresh = this.cache.begin(key);
		assertThat(fresh.isCurrent()).isTrue();
	}

}
