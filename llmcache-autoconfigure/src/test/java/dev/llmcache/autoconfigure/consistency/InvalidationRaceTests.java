package dev.llmcache.autoconfigure.consistency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import dev.llmcache.LlmCacheInvalidationException;
import dev.llmcache.autoconfigure.consistency.Instances.Instance;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.key.CacheKey;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The five ways llmcache served stale answers (issue "No stale answers"), one test each: two
 * application contexts on one real redis-server, the real OpenAI client against the counting mock
 * whose answers carry the version of the data they were computed from, and requests held in the
 * model by latches. The rules checked are those of docs/consistency.md.
 */
class InvalidationRaceTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	/**
	 * How long another instance may take to hear an invalidation over pub/sub: a delivery takes
	 * milliseconds; the margin is for a machine busy with other builds.
	 */
	private static final long DELIVERY = 1_000;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private VersionedModel model;

	@BeforeEach
	void answerWithVersions() {
		this.model = VersionedModel.answering(server);
	}

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
		if (!redis.isRunning()) {
			redis.restart();
		}
		redis.resume();
	}

	private static ApplicationContextRunner context(String... properties) {
		return Instances.context(server, redis, properties);
	}

	private CompletableFuture<Integer> inBackground(IntSupplier call) {
		return CompletableFuture.supplyAsync(call::getAsInt, this.threads);
	}

	// 1. Evict racing an in-flight miss.

	@Test
	void anEvictionWinsOverTheMissInFlightOnEveryInstance() {
		evictionWinsOverTheMissInFlight((a, question) -> a.evict(question), Instance::ask);
	}

	@Test
	void anLlmCacheEvictMethodWinsOverTheMissInFlightOnEveryInstance() {
		evictionWinsOverTheMissInFlight((a, question) -> a.service().forgetFaq(question), Instance::faq);
	}

	private void evictionWinsOverTheMissInFlight(Eviction eviction, Asking asking) {
		context().run(first -> context().run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "What does the plan cost?";
			VersionedModel.Hold slow = this.model.hold(question);
			CompletableFuture<Integer> before = inBackground(() -> asking.ask(a, question));
			slow.awaitReached();
			this.model.change();
			eviction.evict(a, question);

			// A call that starts after the eviction returned never joins the flight that started before it.
			CompletableFuture<Integer> after = inBackground(() -> asking.ask(a, question));
			assertThat(after.get(5, TimeUnit.SECONDS)).as("a call started after the eviction").isEqualTo(2);
			slow.release();
			assertThat(before.get(10, TimeUnit.SECONDS)).as("the call that started before it gets its own answer")
				.isEqualTo(1);

			assertThat(asking.ask(a, question)).as("served afterwards on the evicting instance").isEqualTo(2);
			assertThat(eventually(() -> asking.ask(b, question), 2, DELIVERY)).as("served afterwards on the other instance")
				.isEqualTo(2);
		}));
	}

	// 2. forceRefresh losing to a slower normal miss, and a lease taken over.

	@Test
	void aForceRefreshWinsOverASlowerMissAndBothInstancesServeItsAnswer() {
		context().run(first -> context().run(second -> {
			Instance x = Instance.of(first);
			Instance y = Instance.of(second);
			String question = "Which plan is cheapest?";
			VersionedModel.Hold slow = this.model.hold(question);
			CompletableFuture<Integer> miss = inBackground(() -> x.ask(question));
			slow.awaitReached();
			this.model.change();
			int refreshed = LlmCacheControl.forceRefresh().call(() -> y.ask(question));
			assertThat(refreshed).isEqualTo(2);
			slow.release();
			assertThat(miss.get(10, TimeUnit.SECONDS)).isEqualTo(1);

			assertThat(x.ask(question)).as("instance X afterwards").isEqualTo(2);
			assertThat(y.ask(question)).as("instance Y afterwards").isEqualTo(2);
		}));
	}

	@Test
	void aLeaderWhoseLeaseWasTakenOverStoresNothingAndInstancesAgree() {
		String[] shortLease = { "llmcache.single-flight.lease=300ms" };
		context(shortLease).run(first -> context(shortLease).run(second -> {
			Instance leader = Instance.of(first);
			Instance taker = Instance.of(second);
			String question = "How long is the trial?";
			VersionedModel.Hold slow = this.model.hold(question);
			CompletableFuture<Integer> led = inBackground(() -> leader.ask(question));
			slow.awaitReached();
			this.model.change();
			// Waits for the lease, which expires while the leader is still held, then calls the model.
			assertThat(taker.ask(question)).isEqualTo(2);
			slow.release();
			assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo(1);

			assertThat(leader.ask(question)).as("the leader's instance afterwards").isEqualTo(taker.ask(question))
				.isEqualTo(2);
		}));
	}

	// 3. Invalidations while Redis stalls or the read breaker is open.

	@Test
	void anEvictionDuringARedisStallSaysSoAndIsReplayedWhenRedisAnswers() {
		String[] stalls = { "llmcache.redis.timeout=100ms", "llmcache.redis.retry-interval=5s" };
		context(stalls).run(first -> context(stalls).run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "Is the store open on Sunday?";
			assertThat(a.ask(question)).isEqualTo(1);
			assertThat(b.ask(question)).isEqualTo(1);
			this.model.change();
			redis.pause();
			try {
				assertThatThrownBy(() -> a.evict(question)).isInstanceOf(LlmCacheInvalidationException.class)
					.hasMessageMatching("llmcache: the eviction of [0-9a-f]{64} in '[^']+' was not confirmed by l2 in "
							+ "time; this instance dropped its own copy and replays the eviction when l2 answers, before it "
							+ "reads l2 again");
			}
			finally {
				redis.resume();
			}
			assertThat(a.ask(question)).as("the evicting instance, Redis answering again").isEqualTo(2);
			assertThat(eventually(() -> b.ask(question), 2, 3_000)).as("the other instance, once replayed")
				.isEqualTo(2);
		}));
	}

	@Test
	void anEvictionWithTheReadBreakerOpenStillReachesRedis() {
		String[] breaker = { "llmcache.redis.timeout=100ms", "llmcache.redis.retry-interval=10s" };
		context(breaker).run(first -> context(breaker).run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "Who answers the phone?";
			assertThat(a.ask(question)).isEqualTo(1);
			assertThat(b.ask(question)).isEqualTo(1);
			openReadBreaker(a);
			this.model.change();
			a.evict(question);
			assertThat(eventually(() -> b.ask(question), 2, DELIVERY)).as("the other instance").isEqualTo(2);
			assertThat(a.ask(question)).as("the evicting instance").isEqualTo(2);
		}));
	}

	@Test
	void aNamespaceClearWithTheReadBreakerOpenStillReachesRedis() {
		String[] breaker = { "llmcache.redis.timeout=100ms", "llmcache.redis.retry-interval=10s" };
		context(breaker).run(first -> context(breaker).run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "Where is the office?";
			assertThat(a.faq(question)).isEqualTo(1);
			assertThat(b.faq(question)).isEqualTo(1);
			openReadBreaker(a);
			this.model.change();
			a.manager().clearNamespace("faq");
			assertThat(eventually(() -> b.faq(question), 2, DELIVERY)).as("the other instance").isEqualTo(2);
			assertThat(a.faq(question)).as("the clearing instance").isEqualTo(2);
		}));
	}

	/** One lookup times out while Redis is stopped: the breaker skips Redis reads for the retry interval. */
	private void openReadBreaker(Instance instance) {
		redis.pause();
		try {
			assertThat(instance.ask("Anything to open the breaker?")).isEqualTo(this.model.current());
		}
		finally {
			redis.resume();
		}
	}

	// 4. clearNamespace racing a store on the same instance.

	@Test
	void aNamespaceClearRacingAStoreOnTheSameInstanceLeavesNothingStaleInL1() {
		String[] slowRedis = { "llmcache.redis.timeout=2s" };
		context(slowRedis).run(only -> {
			Instance a = Instance.of(only);
			for (int attempt = 0; attempt < 12; attempt++) {
				String question = "Race number " + attempt + "?";
				VersionedModel.Hold slow = this.model.hold(question);
				CompletableFuture<Integer> miss = inBackground(() -> a.faq(question));
				slow.awaitReached();
				int old = this.model.current();
				redis.pause();
				CompletableFuture<Void> clear;
				try {
					// The store reaches Redis first and waits there; the clear queues behind it.
					slow.release();
					Thread.sleep(50);
					clear = CompletableFuture.runAsync(() -> a.manager().clearNamespace("faq"), this.threads);
					Thread.sleep(50);
					this.model.change();
				}
				finally {
					redis.resume();
				}
				clear.get(10, TimeUnit.SECONDS);
				assertThat(miss.get(10, TimeUnit.SECONDS)).isEqualTo(old);
				assertThat(a.faq(question)).as("attempt " + attempt + ": served after the clear returned")
					.isGreaterThan(old);
			}
		});
	}

	// 5. Redis restarting empty.

	@Test
	void generationsDoNotRepeatAfterRedisRestartsEmpty() {
		context().run(first -> context().run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "What is on the menu?";
			a.manager().clearNamespace("faq");
			VersionedModel.Hold slow = this.model.hold(question);
			CompletableFuture<Integer> miss = inBackground(() -> a.faq(question));
			slow.awaitReached();
			redis.restart();
			awaitRedisAnswers(first);
			slow.release();
			assertThat(miss.get(10, TimeUnit.SECONDS)).isEqualTo(1);
			this.model.change();
			a.manager().clearNamespace("faq");
			assertThat(b.faq(question)).as("the other instance after the clear").isEqualTo(2);
			assertThat(a.faq(question)).as("the clearing instance after the clear").isEqualTo(2);
		}));
	}

	/** Until this instance's Redis tier answers again after the restart. */
	private static void awaitRedisAnswers(ApplicationContext context) throws InterruptedException {
		RedisTier tier = context.getBean(RedisTier.class);
		long deadline = System.currentTimeMillis() + 10_000;
		while (!tier.lookup(new CacheKey("probe", null, "0".repeat(64))).answered()) {
			if (System.currentTimeMillis() > deadline) {
				throw new IllegalStateException("Redis did not answer again");
			}
			Thread.sleep(50);
		}
	}

	/** The first answer that reaches {@code wanted} within the time, else the last one. */
	private static int eventually(IntSupplier call, int wanted, long withinMillis) throws InterruptedException {
		long deadline = System.currentTimeMillis() + withinMillis;
		int answer = call.getAsInt();
		while (answer < wanted && System.currentTimeMillis() < deadline) {
			Thread.sleep(20);
			answer = call.getAsInt();
		}
		return answer;
	}

	@FunctionalInterface
	private interface Eviction {

		void evict(Instance instance, String question) throws Exception;

	}

	@FunctionalInterface
	private interface Asking {

		int ask(Instance instance, String question);

	}

}
