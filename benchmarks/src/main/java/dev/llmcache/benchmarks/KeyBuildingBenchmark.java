package dev.llmcache.benchmarks;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.llmcache.key.CacheKey;
import dev.llmcache.key.DefaultLlmCacheKeyGenerator;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.PromptNormalizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building a key from a prompt: normalization, canonical form and SHA-256, with the default
 * normalizer. The baseline is the floor of any content key: one SHA-256 over the prompt's UTF-8
 * bytes. {@code rememberedKey} is a repeated request, whose key the generator remembers. Run with {@code -prof gc} for the allocation per key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KeyBuildingBenchmark {

	@Param({ "100", "1024", "32768" })
	public int promptLength;

	private LlmCacheKeyGenerator generator;

	private LlmCacheKeyGenerator remembering;

	private KeyRequest request;

	private String text;

	@Setup
	public void prepare() throws NoSuchMethodException {
		// What every first request (a miss) pays: nothing remembered.
		this.generator = new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults(), 0);
		this.remembering = new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults());
		this.text = Prompts.text(this.promptLength, 3);
		Method method = Services.LlmCachedService.class.getMethod("answer", String.class);
		this.request = new KeyRequest("bench-string", null, true, method, List.of(new KeyArgument("prompt", this.text)));
	}

	@Benchmark
	public CacheKey canonicalKey() {
		return this.generator.generate(this.request);
	}

	/** A repeated request, as on every cache hit: the key is remembered by the raw prompt. */
	@Benchmark
	public CacheKey rememberedKey() {
		return this.remembering.generate(this.request);
	}

	@Benchmark
	public byte[] sha256Only() throws NoSuchAlgorithmException {
		return MessageDigest.getInstance("SHA-256").digest(this.text.getBytes(StandardCharsets.UTF_8));
	}

}
