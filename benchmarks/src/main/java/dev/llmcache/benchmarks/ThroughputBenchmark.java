package dev.llmcache.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.redis.RedisTier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hits per second with 1, 2, 8 and 64 threads over a hot set of 1,000 prompts (1 KB each): L1 hits
 * against {@code @Cacheable} over Caffeine, L2 hits (L1 off) against raw Lettuce GETs of the same
 * entries. Each thread walks the hot set from its own offset.
 *
 * <p>Targets: L1 at least 1/1.2 of {@code @Cacheable}'s throughput, L2 at least 1/1.3 of Lettuce's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ThroughputBenchmark {

	static final int HOT_SET = 1000;

	static String[] hotSet() {
		String[] prompts = new String[HOT_SET];
		for (int i = 0; i < HOT_SET; i++) {
			prompts[i] = Prompts.text(1024, 1000 + i);
		}
		return prompts;
	}

	/** llmcache with L1 only, the hot set primed. Apart from the baseline, so each fork starts one context. */
	@State(Scope.Benchmark)
	public static class L1 {

		ConfigurableApplicationContext context;

		Services.LlmCachedService llmcache;

		final String[] prompts = hotSet();

		@Setup
		public void start() {
			this.context = Contexts.llmcacheL1();
			this.llmcache = this.context.getBean(Services.LlmCachedService.class);
			for (String prompt : this.prompts) {
				this.llmcache.answer(prompt);
			}
			Checks.hits(this.llmcache.model(), () -> this.llmcache.answer(this.prompts[HOT_SET - 1]));
		}

		@TearDown
		public void stop() {
			this.context.close();
		}

	}

	/** {@code @Cacheable} over Caffeine, the hot set primed. */
	@State(Scope.Benchmark)
	public static class Cacheable {

		ConfigurableApplicationContext context;

		Services.CacheableService cacheable;

		final String[] prompts = hotSet();

		@Setup
		public void start() {
			this.context = Contexts.cacheable();
			this.cacheable = this.context.getBean(Services.CacheableService.class);
			for (String prompt : this.prompts) {
				this.cacheable.answer(prompt);
			}
			Checks.hits(this.cacheable.model(), () -> this.cacheable.answer(this.prompts[HOT_SET - 1]));
		}

		@TearDown
		public void stop() {
			this.context.close();
		}

	}

	@State(Scope.Benchmark)
	public static class L2 {

		RedisProcess redis;

		ConfigurableApplicationContext ours;

		Services.LlmCachedService llmcache;

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		RedisCommands<byte[], byte[]> commands;

		final String[] prompts = hotSet();

		final byte[][] entryKeys = new byte[HOT_SET][];

		@Setup
		public void start() {
			this.redis = RedisProcess.start();
			this.ours = Contexts.llmcacheRedis(this.redis, "llmcache.l1.enabled=false");
			this.llmcache = this.ours.getBean(Services.LlmCachedService.class);
			LlmCacheManager manager = this.ours.getBean(LlmCacheManager.class);
			RedisTier tier = this.ours.getBean(RedisTier.class);
			for (int i = 0; i < HOT_SET; i++) {
				this.llmcache.answer(this.prompts[i]);
				this.entryKeys[i] = tier.entryKey(manager.keyFor(Services.LlmCachedService.class, "answer",
						this.prompts[i]));
			}
			Checks.hits(this.llmcache.model(), () -> this.llmcache.answer(this.prompts[HOT_SET - 1]));
			this.client = RedisClient.create(this.redis.url());
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.commands = this.connection.sync();
			for (byte[] key : this.entryKeys) {
				if (this.commands.get(key) == null) {
					throw new IllegalStateException("an entry llmcache stored is not where the baseline reads it");
				}
			}
		}

		int calls;

		@Setup(Level.Iteration)
		public void countCalls() {
			this.calls = this.llmcache.model().calls();
		}

		@TearDown(Level.Iteration)
		public void checkHits() {
			Checks.stillHits("llmcache", this.llmcache.model(), this.calls);
		}

		@TearDown
		public void stop() {
			this.connection.close();
			this.client.shutdown();
			this.ours.close();
			this.redis.close();
		}

	}

	/**
	 * The L2 baseline: {@code @Cacheable} over Spring Data Redis's {@code RedisCacheManager}, JDK
	 * (default) and JSON serialization, each on its own Redis, the hot set already stored.
	 */
	@State(Scope.Benchmark)
	public abstract static class RedisCache {

		RedisProcess redis;

		ConfigurableApplicationContext context;

		Services.CacheableService cacheable;

		final String[] prompts = hotSet();

		abstract boolean json();

		@Setup
		public void start() {
			this.redis = RedisProcess.start();
			this.context = Contexts.redisCacheManager(this.redis, json());
			this.cacheable = this.context.getBean(Services.CacheableService.class);
			for (String prompt : this.prompts) {
				this.cacheable.answer(prompt);
			}
			Checks.hits(this.cacheable.model(), () -> this.cacheable.answer(this.prompts[HOT_SET - 1]));
		}

		int calls;

		@Setup(Level.Iteration)
		public void countCalls() {
			this.calls = this.cacheable.model().calls();
		}

		@TearDown(Level.Iteration)
		public void checkHits() {
			Checks.stillHits("RedisCacheManager", this.cacheable.model(), this.calls);
		}

		@TearDown
		public void stop() {
			this.context.close();
			this.redis.close();
		}

	}

	public static class RedisCacheDefault extends RedisCache {

		@Override
		boolean json() {
			return false;
		}

	}

	public static class RedisCacheJson extends RedisCache {

		@Override
		boolean json() {
			return true;
		}

	}

	/** Where this thread is in the hot set. */
	@State(Scope.Thread)
	public static class Cursor {

		private int next = (int) (Thread.currentThread().getId() * 7919 % HOT_SET);

		int next() {
			int index = this.next;
			this.next = (index + 1 == HOT_SET) ? 0 : index + 1;
			return index;
		}

	}

	private static String l1Ours(L1 state, Cursor cursor) {
		return state.llmcache.answer(state.prompts[cursor.next()]);
	}

	private static String l1Cacheable(Cacheable state, Cursor cursor) {
		return state.cacheable.answer(state.prompts[cursor.next()]);
	}

	private static String l2Ours(L2 state, Cursor cursor) {
		return state.llmcache.answer(state.prompts[cursor.next()]);
	}

	private static byte[] l2Lettuce(L2 state, Cursor cursor) {
		return state.commands.get(state.entryKeys[cursor.next()]);
	}

	@Benchmark @Threads(1)
	public String l1LlmCached_t1(L1 state, Cursor cursor) {
		return l1Ours(state, cursor);
	}

	@Benchmark @Threads(2)
	public String l1LlmCached_t2(L1 state, Cursor cursor) {
		return l1Ours(state, cursor);
	}

	@Benchmark @Threads(8)
	public String l1LlmCached_t8(L1 state, Cursor cursor) {
		return l1Ours(state, cursor);
	}

	@Benchmark @Threads(64)
	public String l1LlmCached_t64(L1 state, Cursor cursor) {
		return l1Ours(state, cursor);
	}

	@Benchmark @Threads(1)
	public String l1Cacheable_t1(Cacheable state, Cursor cursor) {
		return l1Cacheable(state, cursor);
	}

	@Benchmark @Threads(2)
	public String l1Cacheable_t2(Cacheable state, Cursor cursor) {
		return l1Cacheable(state, cursor);
	}

	@Benchmark @Threads(8)
	public String l1Cacheable_t8(Cacheable state, Cursor cursor) {
		return l1Cacheable(state, cursor);
	}

	@Benchmark @Threads(64)
	public String l1Cacheable_t64(Cacheable state, Cursor cursor) {
		return l1Cacheable(state, cursor);
	}

	@Benchmark @Threads(1)
	public String l2LlmCached_t1(L2 state, Cursor cursor) {
		return l2Ours(state, cursor);
	}

	@Benchmark @Threads(2)
	public String l2LlmCached_t2(L2 state, Cursor cursor) {
		return l2Ours(state, cursor);
	}

	@Benchmark @Threads(8)
	public String l2LlmCached_t8(L2 state, Cursor cursor) {
		return l2Ours(state, cursor);
	}

	@Benchmark @Threads(64)
	public String l2LlmCached_t64(L2 state, Cursor cursor) {
		return l2Ours(state, cursor);
	}

	@Benchmark @Threads(1)
	public byte[] l2Lettuce_t1(L2 state, Cursor cursor) {
		return l2Lettuce(state, cursor);
	}

	@Benchmark @Threads(2)
	public byte[] l2Lettuce_t2(L2 state, Cursor cursor) {
		return l2Lettuce(state, cursor);
	}

	@Benchmark @Threads(8)
	public byte[] l2Lettuce_t8(L2 state, Cursor cursor) {
		return l2Lettuce(state, cursor);
	}

	@Benchmark @Threads(64)
	public byte[] l2Lettuce_t64(L2 state, Cursor cursor) {
		return l2Lettuce(state, cursor);
	}

	private static String l2RedisCache(RedisCache state, Cursor cursor) {
		return state.cacheable.answer(state.prompts[cursor.next()]);
	}

	@Benchmark @Threads(8)
	public String l2RedisCacheManagerDefault_t8(RedisCacheDefault state, Cursor cursor) {
		return l2RedisCache(state, cursor);
	}

	@Benchmark @Threads(64)
	public String l2RedisCacheManagerDefault_t64(RedisCacheDefault state, Cursor cursor) {
		return l2RedisCache(state, cursor);
	}

	@Benchmark @Threads(8)
	public String l2RedisCacheManagerJson_t8(RedisCacheJson state, Cursor cursor) {
		return l2RedisCache(state, cursor);
	}

	@Benchmark @Threads(64)
	public String l2RedisCacheManagerJson_t64(RedisCacheJson state, Cursor cursor) {
		return l2RedisCache(state, cursor);
	}

}
