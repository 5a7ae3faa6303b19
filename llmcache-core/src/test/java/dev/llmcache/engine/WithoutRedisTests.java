package dev.llmcache.engine;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine, its tiers and its flow load and work with no Redis class reachable: llmcache's own
 * classes are loaded by a class loader that hides Lettuce, Spring Data Redis and llmcache's Redis
 * packages.
 */
class WithoutRedisTests {

	@Test
	void aCallIsCachedWithNoRedisClassOnTheClassPath() throws Exception {
		ClassLoader hiding = new RedisHidingClassLoader(getClass().getClassLoader());
		assertThatThrownBy(() -> hiding.loadClass("io.lettuce.core.RedisClient"))
			.isInstanceOf(ClassNotFoundException.class);
		assertThatThrownBy(() -> hiding.loadClass("dev.llmcache.redis.RedisTier"))
			.isInstanceOf(ClassNotFoundException.class);
		@SuppressWarnings("unchecked")
		Callable<List<Object>> scenario = (Callable<List<Object>>) hiding.loadClass(Scenario.class.getName())
			.getDeclaredConstructor()
			.newInstance();
		assertThat(scenario.getClass().getClassLoader()).isSameAs(hiding);
		assertThat(scenario.call()).containsExactly("answer", "answer", "async answer", "async answer", 2);
	}

	/** Runs inside the hiding class loader: plain and asynchronous calls, each a miss then a hit. */
	public static class Scenario implements Callable<List<Object>> {

		@Override
		public List<Object> call() throws Exception {
			TieredCache cache = new TieredCache(List.of(new LocalTier(1_000_000)), new JsonLlmCacheSerializer(), 0);
			LlmCacheEngine engine = new LlmCacheEngine(cache, CacheabilityPolicy.defaults(),
					new LoggingLlmCacheErrorHandler(), FlightSettings.defaults(), event -> {
					});
			CachedCall plain = new CachedCall(new CacheKey("ns", null, "a".repeat(64)), ValueType.of(String.class),
					Duration.ofMinutes(1));
			CachedCall async = new CachedCall(new CacheKey("ns", null, "b".repeat(64)), ValueType.of(String.class),
					Duration.ofMinutes(1));
			int[] modelCalls = new int[1];
			java.util.concurrent.ExecutorService io = Executors.newSingleThreadExecutor();
			try {
				AsyncCalls calls = new AsyncCalls(engine, io, 0, Duration.ZERO);
				Object first;
				Object second;
				try {
					first = engine.call(plain, () -> {
						modelCalls[0]++;
						return "answer";
					});
					second = engine.call(plain, () -> "a second model call");
				}
				catch (Throwable ex) {
					throw new IllegalStateException(ex);
				}
				Object third = calls.future(async, () -> {
					modelCalls[0]++;
					return CompletableFuture.completedFuture("async answer");
				}).get();
				Object fourth = calls.future(async, () -> CompletableFuture.completedFuture("another")).get();
				return List.of(first, second, third, fourth, modelCalls[0]);
			}
			finally {
				io.shutdownNow();
			}
		}

	}

	/** Loads llmcache's classes itself, and finds no Redis class at all. */
	static final class RedisHidingClassLoader extends ClassLoader {

		private static final List<String> HIDDEN = List.of("io.lettuce.", "org.springframework.data.redis.",
				"dev.llmcache.redis.", "dev.llmcache.coherence.");

		RedisHidingClassLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (HIDDEN.stream().anyMatch(name::startsWith)) {
				throw new ClassNotFoundException(name + " is hidden");
			}
			if (!name.startsWith("dev.llmcache.")) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded == null) {
					loaded = define(name);
				}
				if (resolve) {
					resolveClass(loaded);
				}
				return loaded;
			}
		}

		private Class<?> define(String name) throws ClassNotFoundException {
			try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
				if (in == null) {
					throw new ClassNotFoundException(name);
				}
				byte[] bytes = in.readAllBytes();
				return defineClass(name, bytes, 0, bytes.length);
			}
			catch (IOException ex) {
				throw new ClassNotFoundException(name, ex);
			}
		}

	}

}
