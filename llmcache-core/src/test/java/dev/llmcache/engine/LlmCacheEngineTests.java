package dev.llmcache.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.codec.ValueType;
import dev.llmcache.flight.DistributedFlight;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.Concurrently;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.test.TestEngines;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coalescing of concurrent misses, in one JVM and across instances sharing a real Redis.
 */
class LlmCacheEngineTests {

	private static final ValueType STRING = ValueType.of(String.class);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final List<CallEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void concurrentIdenticalMissesMakeOneCall() throws Throwable {
		LlmCacheEngine engine = engine(false, FlightSettings.defaults());
		AtomicInteger calls = new AtomicInteger();
		List<Object> answers = Concurrently.run(64, () -> engine.call(call("same"), () -> {
			calls.incrementAndGet();
			Thread.sleep(200);
			return "the answer";
		}));
		assertThat(calls).hasValue(1);
		assertThat(answers).hasSize(64).containsOnly("the answer");
		assertThat(this.events.stream().filter(e -> e.outcome() == Outcome.MISS)).hasSize(1);
		assertThat(this.events.stream().filter(e -> e.outcome() == Outcome.COALESCED)).hasSize(63);
	}

	@Test
	void theLeadersExceptionReachesEveryWaiterAndNothingIsCached() throws Throwable {
		LlmCacheEngine engine = engine(false, FlightSettings.defaults());
		AtomicInteger calls = new AtomicInteger();
		IllegalStateException failure = new IllegalStateException("model crashed");
		List<Object> outcomes = Concurrently.run(16, () -> {
			try {
				return engine.call(call("crash"), () -> {
					calls.incrementAndGet();
					Thread.sleep(200);
					throw failure;
				});
			}
			catch (Throwable ex) {
				return ex;
			}
		});
		assertThat(calls).hasValue(1);
		assertThat(outcomes).hasSize(16).allSatisfy(outcome -> assertThat(outcome).isSameAs(failure));
		assertThat(engine.call(call("crash"), () -> "recovered")).isEqualTo("recovered");
	}

	@Test
	void aWaiterWhoseLeaderWasCancelledCallsTheModelItself() throws Throwable {
		LlmCacheEngine engine = engine(false, FlightSettings.defaults());
		CountDownLatch leaderStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<Object> leader = submitCall(executor, engine, "abandoned", () -> {
				leaderStarted.countDown();
				release.await();
				throw new CancellationException("the leader's subscriber went away");
			});
			leaderStarted.await();
			Future<Object> waiter = submitCall(executor, engine, "abandoned", () -> "waiter's own answer");
			Thread.sleep(300); // the waiter joins the leader's flight meanwhile
			release.countDown();
			assertThat(leader.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
			assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("waiter's own answer");
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void aWaiterPastTheTimeoutCallsTheModelItself() throws Throwable {
		LlmCacheEngine engine = engine(false, new FlightSettings(Duration.ofMillis(100), false, Duration.ofSeconds(5)));
		CountDownLatch leaderStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<Object> leader = submitCall(executor, engine, "slow", () -> {
				leaderStarted.countDown();
				release.await();
				return "leader";
			});
			leaderStarted.await();
			Object waiter = engine.call(call("slow"), () -> "waiter went alone");
			assertThat(waiter).isEqualTo("waiter went alone");
			release.countDown();
			assertThat(leader.get(5, TimeUnit.SECONDS)).isEqualTo("leader");
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void twoInstancesSharingRedisMakeOneCall() throws Throwable {
		LlmCacheEngine first = engine(true, FlightSettings.defaults());
		LlmCacheEngine second = engine(true, FlightSettings.defaults());
		AtomicInteger calls = new AtomicInteger();
		List<Object> answers = Concurrently.run(32, () -> {
			LlmCacheEngine engine = (Thread.currentThread().getId() % 2 == 0) ? first : second;
			return engine.call(call("shared"), () -> {
				calls.incrementAndGet();
				Thread.sleep(300);
				return "one answer";
			});
		});
		assertThat(calls).hasValue(1);
		assertThat(answers).containsOnly("one answer");
	}

	@Test
	void whenTheLeaseHolderDiesAnotherInstanceTakesOverAfterTheLeaseExpires() throws Throwable {
		LlmCacheEngine survivor = engine(true, new FlightSettings(Duration.ofSeconds(10), true, Duration.ofMillis(500)));
		RedisTier redisTier = survivor.cache().tier(RedisTier.class);
		CacheKey key = call("orphaned").key();
		// An instance that took the lease and died without releasing it.
		assertThat(redisTier.tryLease(key, "dead-instance".getBytes(StandardCharsets.US_ASCII), 700)).isEqualTo(DistributedFlight.Lease.ACQUIRED);
		long start = System.nanoTime();
		Object answer = survivor.call(call("orphaned"), () -> "taken over");
		long waitedMillis = (System.nanoTime() - start) / 1_000_000;
		assertThat(answer).isEqualTo("taken over");
		assertThat(waitedMillis).as("waited for the dead holder's lease to expire").isGreaterThanOrEqualTo(500);
		assertThat(redisTier.isLeased(key)).as("the survivor released its own lease").isFalse();
	}

	@Test
	void aLeaseIsReleasedOnlyByItsHolder() {
		RedisTier redisTier = engine(true, FlightSettings.defaults()).cache().tier(RedisTier.class);
		CacheKey key = call("lease").key();
		assertThat(redisTier.tryLease(key, "a".getBytes(StandardCharsets.US_ASCII), 10_000)).isEqualTo(DistributedFlight.Lease.ACQUIRED);
		assertThat(redisTier.tryLease(key, "b".getBytes(StandardCharsets.US_ASCII), 10_000)).isEqualTo(DistributedFlight.Lease.HELD_ELSEWHERE);
		redisTier.releaseLease(key, "b".getBytes(StandardCharsets.US_ASCII));
		assertThat(redisTier.isLeased(key)).isTrue();
		redisTier.releaseLease(key, "a".getBytes(StandardCharsets.US_ASCII));
		assertThat(redisTier.isLeased(key)).isFalse();
	}

	private LlmCacheEngine engine(boolean withRedis, FlightSettings flight) {
		RedisTier redisTier = withRedis ? TestEngines.redisTier(redis.host(), redis.port(), "engine:",
				Duration.ofSeconds(1), Duration.ofMillis(200), this.resources) : null;
		return TestEngines.engine(redisTier, flight, this.events::add);
	}

	/** A call on another thread, whose future holds what it returned or threw. */
	private static Future<Object> submitCall(ExecutorService executor, LlmCacheEngine engine, String id,
			LlmCacheEngine.Invoker invoker) {
		return executor.submit(() -> {
			try {
				return engine.call(call(id), invoker);
			}
			catch (Throwable ex) {
				return ex;
			}
		});
	}

	private static CachedCall call(String id) {
		String hash = String.format("%064x", new java.math.BigInteger(1, id.getBytes(StandardCharsets.UTF_8)));
		return new CachedCall(new CacheKey("ns", null, hash.substring(hash.length() - 64)), STRING,
				Duration.ofMinutes(5));
	}

}
