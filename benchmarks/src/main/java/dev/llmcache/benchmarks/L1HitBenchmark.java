package dev.llmcache.benchmarks;

import java.util.concurrent.TimeUnit;

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
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An L1 hit through {@code @LlmCached} against Spring's {@code @Cacheable} over Caffeine with the
 * same arguments, and against calling a method that returns a constant. Both caches sit behind
 * a CGLIB proxy of a real Spring Boot context. The argument is the same instance on every call, as
 * it is in any microbenchmark: that favours {@code @Cacheable}, whose key hashes the String through
 * its cached hash code, while the canonical key of llmcache has to read the text.
 *
 * <p>Target: an llmcache hit costs at most 1.2x a {@code @Cacheable} hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1HitBenchmark {

	private ConfigurableApplicationContext ours;

	private ConfigurableApplicationContext spring;

	private Services.LlmCachedService llmcache;

	private Services.CacheableService cacheable;

	private Services.PlainService direct;

	private String text;

	private Prompt prompt;

	@Setup
	public void start() {
		this.ours = Contexts.llmcacheL1();
		this.spring = Contexts.cacheable();
		this.llmcache = this.ours.getBean(Services.LlmCachedService.class);
		this.cacheable = this.spring.getBean(Services.CacheableService.class);
		this.direct = new Services.PlainService();
		this.text = Prompts.text(1024, 1);
		this.prompt = Prompts.prompt(1024, 2);
		Checks.hits(this.llmcache.model(), () -> this.llmcache.answer(this.text));
		Checks.hits(this.llmcache.model(), () -> this.llmcache.chat(this.prompt));
		Checks.hits(this.cacheable.model(), () -> this.cacheable.answer(this.text));
		Checks.hits(this.cacheable.model(), () -> this.cacheable.chat(this.prompt));
	}

	@TearDown
	public void stop() {
		this.ours.close();
		this.spring.close();
	}

	@Benchmark
	public String stringLlmCached() {
		return this.llmcache.answer(this.text);
	}

	@Benchmark
	public String stringCacheable() {
		return this.cacheable.answer(this.text);
	}

	@Benchmark
	public String stringDirect() {
		return this.direct.answer(this.text);
	}

	@Benchmark
	public String promptLlmCached() {
		return this.llmcache.chat(this.prompt);
	}

	@Benchmark
	public String promptCacheable() {
		return this.cacheable.chat(this.prompt);
	}

	@Benchmark
	public String promptDirect() {
		return this.direct.chat(this.prompt);
	}

}
