package dev.llmcache.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.key.CacheKey;
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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An L2 hit through {@code @LlmCached} with L1 switched off, against a raw Lettuce GET of the very
 * bytes llmcache stored, on the same Redis: what llmcache adds on top of the round trip (the
 * generation check, decoding the envelope, the interceptor).
 *
 * <p>Beside them, the baseline Spring teams use today: {@code @Cacheable} over Spring Data Redis's
 * {@code RedisCacheManager}, with its default (JDK) and with JSON value serialization, on the same
 * Redis and the same answer.
 *
 * <p>Target: at most 1.3x the raw GET.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L2HitBenchmark {

	private RedisProcess redis;

	private ConfigurableApplicationContext ours;

	private Services.LlmCachedService llmcache;

	private RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private RedisCommands<byte[], byte[]> commands;

	private String text;

	private ConfigurableApplicationContext redisCacheDefault;

	private ConfigurableApplicationContext redisCacheJson;

	private Services.CacheableService cacheableDefault;

	private Services.CacheableService cacheableJson;

	private byte[] entryKey;

	private int llmcacheCalls;

	private int defaultCalls;

	private int jsonCalls;

	@Setup
	public void start() {
		this.redis = RedisProcess.start();
		this.ours = Contexts.llmcacheRedis(this.redis, "llmcache.l1.enabled=false");
		this.llmcache = this.ours.getBean(Services.LlmCachedService.class);
		this.text = Prompts.text(1024, 1);
		Checks.hits(this.llmcache.model(), () -> this.llmcache.answer(this.text));
		CacheKey key = this.ours.getBean(LlmCacheManager.class)
			.keyFor(Services.LlmCachedService.class, "answer", this.text);
		this.entryKey = this.ours.getBean(RedisTier.class).entryKey(key);
		this.client = RedisClient.create(this.redis.url());
		this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		this.commands = this.connection.sync();
		this.redisCacheDefault = Contexts.redisCacheManager(this.redis, false);
		this.cacheableDefault = this.redisCacheDefault.getBean(Services.CacheableService.class);
		Checks.hits(this.cacheableDefault.model(), () -> this.cacheableDefault.answer(this.text));
		this.redisCacheJson = Contexts.redisCacheManager(this.redis, true);
		this.cacheableJson = this.redisCacheJson.getBean(Services.CacheableService.class);
		Checks.hits(this.cacheableJson.model(), () -> this.cacheableJson.answer(this.text));
		byte[] stored = this.commands.get(this.entryKey);
		if (stored == null || stored.length < Services.ANSWER.length()) {
			throw new IllegalStateException("the entry llmcache stored is not where the baseline reads it");
		}
	}

	@Setup(Level.Iteration)
	public void countCalls() {
		this.llmcacheCalls = this.llmcache.model().calls();
		this.defaultCalls = this.cacheableDefault.model().calls();
		this.jsonCalls = this.cacheableJson.model().calls();
	}

	@TearDown(Level.Iteration)
	public void checkHits() {
		Checks.stillHits("llmcache", this.llmcache.model(), this.llmcacheCalls);
		Checks.stillHits("RedisCacheManager (JDK)", this.cacheableDefault.model(), this.defaultCalls);
		Checks.stillHits("RedisCacheManager (JSON)", this.cacheableJson.model(), this.jsonCalls);
	}

	@TearDown
	public void stop() {
		this.connection.close();
		this.client.shutdown();
		this.ours.close();
		this.redisCacheDefault.close();
		this.redisCacheJson.close();
		this.redis.close();
	}

	@Benchmark
	public String llmCached() {
		return this.llmcache.answer(this.text);
	}

	@Benchmark
	public String redisCacheManagerDefault() {
		return this.cacheableDefault.answer(this.text);
	}

	@Benchmark
	public String redisCacheManagerJson() {
		return this.cacheableJson.answer(this.text);
	}

	@Benchmark
	public byte[] lettuceGet() {
		return this.commands.get(this.entryKey);
	}

}
