package dev.llmcache.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.annotation.LlmCached;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.cache.annotation.Cacheable;

/**
 * The cached methods under test, one class per way of caching them. Each "model call" counts
 * itself and may sleep, so a benchmark can check it measures hits and can time real misses.
 */
final class Services {

	static final String ANSWER = Prompts.text(512, 99);

	private Services() {
	}

	/** What the method body stands for: the model, with a counter and an optional latency. */
	public static class Model {

		private final AtomicInteger calls = new AtomicInteger();

		private volatile long latencyMillis;

		public String call() {
			this.calls.incrementAndGet();
			long latency = this.latencyMillis;
			if (latency > 0) {
				try {
					Thread.sleep(latency);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return ANSWER;
		}

		public int calls() {
			return this.calls.get();
		}

		public void setLatencyMillis(long latencyMillis) {
			this.latencyMillis = latencyMillis;
		}

	}

	/** llmcache: {@code @LlmCached} through its auto-configuration. */
	public static class LlmCachedService {

		private final Model model;

		public LlmCachedService(Model model) {
			this.model = model;
		}

		@LlmCached(namespace = "bench-string")
		public String answer(String prompt) {
			return this.model.call();
		}

		@LlmCached(namespace = "bench-prompt")
		public String chat(Prompt prompt) {
			return this.model.call();
		}

		public Model model() {
			return this.model;
		}

	}

	/** The baseline: Spring's {@code @Cacheable} over a {@code CaffeineCacheManager}. */
	public static class CacheableService {

		private final Model model;

		public CacheableService(Model model) {
			this.model = model;
		}

		@Cacheable("answers")
		public String answer(String prompt) {
			return this.model.call();
		}

		@Cacheable("chats")
		public String chat(Prompt prompt) {
			return this.model.call();
		}

		/** What a team that knows about stampedes writes: Caffeine then computes each key once. */
		@Cacheable(cacheNames = "synced", sync = true)
		public String answerSynced(String prompt) {
			return this.model.call();
		}

		public Model model() {
			return this.model;
		}

	}

	/** No cache at all: a method that returns a constant. */
	public static class PlainService {

		public String answer(String prompt) {
			return ANSWER;
		}

		public String chat(Prompt prompt) {
			return ANSWER;
		}

	}

}
