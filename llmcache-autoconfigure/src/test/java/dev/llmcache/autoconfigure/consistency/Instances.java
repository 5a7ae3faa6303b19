package dev.llmcache.autoconfigure.consistency;

import java.time.Duration;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.coherence.RedisL1Coherence;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/** Two application contexts sharing one Redis, as two instances of one application. */
final class Instances {

	private Instances() {
	}

	static ApplicationContextRunner context(MockOpenAiServer server, RedisServerProcess redis, String... properties) {
		return LlmCacheContexts.withRedis(server, redis).withPropertyValues(properties);
	}

	/** One instance: its service and its manager, once it hears invalidations. */
	record Instance(AskService service, LlmCacheManager manager) {

		static Instance of(ApplicationContext context) {
			RedisL1Coherence coherence = context.getBean(RedisL1Coherence.class);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!coherence.isListening()) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The instance never heard its own invalidation probe");
				}
				Thread.onSpinWait();
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
			return new Instance(context.getBean(AskService.class), context.getBean(LlmCacheManager.class));
		}

		int ask(String question) {
			return VersionedModel.versionOf(this.service.ask(question));
		}

		int faq(String question) {
			return VersionedModel.versionOf(this.service.faq(question));
		}

		void evict(String question) {
			this.manager.evict(AskService.class, "ask", question);
		}

	}

}
