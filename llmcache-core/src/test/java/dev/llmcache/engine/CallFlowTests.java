package dev.llmcache.engine;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.Concurrently;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.test.TestEngines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The call flow, each behaviour tested once for every return type: a plain value, a
 * {@code CompletableFuture}, a {@code Mono} and a {@code Flux}. Redis is the real server of the
 * shared fixture; two engines on it stand for two instances.
 */
class CallFlowTests {

	private static final ValueType STRING = ValueType.of(String.class);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final List<CallEvent> events = new CopyOnWriteArrayList<>();

	private final ExecutorService io = Executors.newFixedThreadPool(4);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void close() throws Exception {
		this.callers.shutdownNow();
		this.io.shutdownNow();
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	/** How a caller of one return type calls, and waits for its answer (or its exception). */
	enum Kind {

		PLAIN {
			@Override
			Object call(Instance instance, CachedCall call, Model model) throws Throwable {
				return instance.engine().call(call, model::answer);
			}
		},

		FUTURE {
			@Override
			Object call(Instance instance, CachedCall call, Model model) throws Throwable {
				try {
					return instance.async()
						.future(call, () -> CompletableFuture.supplyAsync(model::answerUnchecked))
						.get(20, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					throw CallerRuns.unwrap(ex);
				}
			}
		},

		MONO {
			@Override
			Object call(Instance instance, CachedCall call, Model model) {
				return instance.async()
					.mono(call, () -> Mono.fromCallable(model::answer).subscribeOn(Schedulers.boundedElastic()))
					.block(Duration.ofSeconds(20));
			}
		},

		FLUX {
			@Override
			Object call(Instance instance, CachedCall call, Model model) {
				List<Object> chunks = instance.async()
					.flux(call, false, () -> Mono.fromCallable(model::answer)
						.subscribeOn(Schedulers.boundedElastic())
						.flatMapMany(answer -> Flux.just(answer.substring(0, 1), answer.substring(1))))
					.collectList()
					.block(Duration.ofSeconds(20));
				return String.join("", chunks.stream().map(String::valueOf).toList());
			}
		};

		abstract Object call(Instance instance, CachedCall call, Model model) throws Throwable;

	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void aRepeatedCallIsAnsweredFromL1(Kind kind) throws Throwable {
		Instance instance = instance(false);
		Model model = new Model(0);
		assertThat(kind.call(instance, call("hit"), model)).isEqualTo("answer 1");
		assertThat(kind.call(instance, call("hit"), model)).isEqualTo("answer 1");
		assertThat(model.calls).hasValue(1);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L1_HIT);
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "FUTURE", "MONO", "FLUX" })
	void anL1HitIsAnsweredWhileTheIoExecutorRefusesEveryTask(Kind kind) throws Throwable {
		AtomicInteger refused = new AtomicInteger();
		java.util.concurrent.atomic.AtomicBoolean saturated = new java.util.concurrent.atomic.AtomicBoolean();
		java.util.concurrent.Executor io = task -> {
			if (saturated.get()) {
				refused.incrementAndGet();
				throw new java.util.concurrent.RejectedExecutionException("saturated");
			}
			this.io.execute(task);
		};
		LlmCacheEngine engine = TestEngines.engine(null,
				new FlightSettings(Duration.ofSeconds(10), true, Duration.ofSeconds(10)), this.events::add);
		Instance instance = new Instance(engine, new AsyncCalls(engine, io, 0, Duration.ZERO));
		Model model = new Model(0);
		assertThat(kind.call(instance, call("saturated"), model)).isEqualTo("answer 1");
		saturated.set(true);
		assertThat(kind.call(instance, call("saturated"), model)).isEqualTo("answer 1");
		assertThat(model.calls).hasValue(1);
		assertThat(refused).hasValue(0);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L1_HIT);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void anotherInstanceIsAnsweredFromL2(Kind kind) throws Throwable {
		Model model = new Model(0);
		assertThat(kind.call(instance(true), call("shared"), model)).isEqualTo("answer 1");
		assertThat(kind.call(instance(true), call("shared"), model)).isEqualTo("answer 1");
		assertThat(model.calls).hasValue(1);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L2_HIT);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void concurrentIdenticalMissesInOneJvmMakeOneModelCall(Kind kind) throws Exception {
		Instance instance = instance(false);
		Model model = new Model(300);
		List<Object> answers = Concurrently.run(12, () -> kind.call(instance, call("coalesced"), model));
		assertThat(model.calls).hasValue(1);
		assertThat(answers).hasSize(12).containsOnly("answer 1");
		assertThat(outcomes()).filteredOn(o -> o == Outcome.MISS).hasSize(1);
		assertThat(outcomes()).filteredOn(o -> o == Outcome.COALESCED).hasSize(11);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void concurrentIdenticalMissesOnTwoInstancesMakeOneModelCall(Kind kind) throws Exception {
		Instance first = instance(true);
		Instance second = instance(true);
		Model model = new Model(600);
		List<Object> answers = Concurrently.run(8,
				i -> kind.call((i % 2 == 0) ? first : second, call("across instances"), model));
		assertThat(model.calls).as("one model call across both instances, through the Redis lease").hasValue(1);
		assertThat(answers).hasSize(8).containsOnly("answer 1");
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void theLeadersExceptionReachesEveryWaiterAndIsNotCached(Kind kind) throws Throwable {
		Instance instance = instance(false);
		IllegalStateException failure = new IllegalStateException("model crashed");
		Model failing = new Model(300, failure);
		List<Object> outcomes = Concurrently.run(8, () -> kind.call(instance, call("crash"), failing));
		assertThat(failing.calls).hasValue(1);
		assertThat(outcomes).hasSize(8).allSatisfy(outcome -> assertThat(outcome).isSameAs(failure));
		Model recovered = new Model(0);
		assertThat(kind.call(instance, call("crash"), recovered)).isEqualTo("answer 1");
		assertThat(recovered.calls).as("the failure was not cached").hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void callsGoOnThroughL1AndTheModelWhenRedisIsDown(Kind kind) throws Throwable {
		Instance instance = instanceOn(unusedPort());
		Model model = new Model(0);
		assertThat(kind.call(instance, call("redis down"), model)).isEqualTo("answer 1");
		assertThat(kind.call(instance, call("redis down"), model)).isEqualTo("answer 1");
		assertThat(model.calls).hasValue(1);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L1_HIT);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void aCallBeginningAfterAnEvictionNeitherJoinsNorKeepsTheAnswerOfACallBeforeIt(Kind kind) throws Throwable {
		Instance instance = instance(true);
		CountDownLatch release = new CountDownLatch(1);
		Model model = new Model(0) {
			@Override
			String answer() throws Exception {
				String answer = super.answer();
				if (answer.equals("answer 1")) {
					release.await(20, TimeUnit.SECONDS);
				}
				return answer;
			}
		};
		Future<Object> before = this.callers.submit(() -> callQuietly(kind, instance, model));
		awaitCalls(model, 1);
		instance.engine().cache().evict(call("evicted").key());
		Object after = callQuietly(kind, instance, model);
		assertThat(after).as("a call after the eviction makes its own model call").isEqualTo("answer 2");
		release.countDown();
		assertThat(before.get(20, TimeUnit.SECONDS)).isEqualTo("answer 1");
		assertThat(kind.call(instance, call("evicted"), model)).as("the older answer was not stored over the newer")
			.isEqualTo("answer 2");
		assertThat(kind.call(instance(true), call("evicted"), model)).as("nor in Redis").isEqualTo("answer 2");
		assertThat(model.calls).hasValue(2);
	}

	private Object callQuietly(Kind kind, Instance instance, Model model) {
		try {
			return kind.call(instance, call("evicted"), model);
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	private static void awaitCalls(Model model, int calls) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (model.calls.get() < calls && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(model.calls).hasValue(calls);
	}

	private List<Outcome> outcomes() {
		return this.events.stream().map(CallEvent::outcome).toList();
	}

	/** A model that answers "answer N" for its N-th call, after a pause, or fails. */
	static class Model {

		final AtomicInteger calls = new AtomicInteger();

		private final long pauseMillis;

		private final RuntimeException failure;

		Model(long pauseMillis) {
			this(pauseMillis, null);
		}

		Model(long pauseMillis, RuntimeException failure) {
			this.pauseMillis = pauseMillis;
			this.failure = failure;
		}

		String answer() throws Exception {
			int call = this.calls.incrementAndGet();
			if (this.pauseMillis > 0) {
				Thread.sleep(this.pauseMillis);
			}
			if (this.failure != null) {
				throw this.failure;
			}
			return "answer " + call;
		}

		String answerUnchecked() {
			try {
				return answer();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	record Instance(LlmCacheEngine engine, AsyncCalls async) {
	}

	private Instance instance(boolean withRedis) throws InterruptedException {
		if (!withRedis) {
			return build(null);
		}
		Instance instance = instanceOn(redis.port());
		// A cold JVM's first connection may outlast the timeout: these tests are about the flow, not that.
		RedisTier tier = instance.engine().cache().tier(RedisTier.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!tier.lookup(call("warm-up").key()).answered() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		return instance;
	}

	private Instance instanceOn(int port) {
		return build(TestEngines.redisTier(redis.host(), port, "flow:", Duration.ofMillis(500), Duration.ofMillis(200),
				this.resources));
	}

	private Instance build(RedisTier redisTier) {
		LlmCacheEngine engine = TestEngines.engine(redisTier,
				new FlightSettings(Duration.ofSeconds(10), true, Duration.ofSeconds(10)), this.events::add);
		return new Instance(engine, new AsyncCalls(engine, this.io, 0, Duration.ZERO));
	}

	private static int unusedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static CachedCall call(String id) {
		String hash = String.format("%064x", new java.math.BigInteger(1, id.getBytes(StandardCharsets.UTF_8)));
		return new CachedCall(new CacheKey("flow", null, hash.substring(hash.length() - 64)), STRING,
				Duration.ofMinutes(5));
	}

}
