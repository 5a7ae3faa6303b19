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

	private byte[] entryKey;

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
		byte[] stored = this.commands.get(this.entryKey);
		if (stored == null || stored.length < Services.ANSWER.length()) {
			throw new IllegalStateException("the entry llmcache stored is not where the baseline reads it");
		}
	}

	@TearDown
	public void stop() {
		this.connection.close();
		this.client.shutdown();
		this.ours.close();
		this.redis.close();
	}

	@Benchmark
	public String llmCached() {
		return this.llmcache.answer(this.text);
	}

	@Benchmark
	public byte[] lettuceGet() {
		return this.commands.get(this.entryKey);
	}

}
