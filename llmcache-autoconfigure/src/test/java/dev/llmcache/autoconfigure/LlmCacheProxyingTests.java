package dev.llmcache.autoconfigure;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.annotation.LlmCached;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @LlmCached} is proxied by the starter itself, as {@code @EnableCaching} proxies its
 * methods: with or without Boot's AOP auto-configuration, and beside Spring's other proxy-based
 * annotations on the same bean. Each case runs with {@code spring.aop.auto} on and off.
 */
class LlmCacheProxyingTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private ApplicationContextRunner runner(boolean aopAuto) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class))
			.withPropertyValues("spring.aop.auto=" + aopAuto)
			.withBean(ChatModel.class, () -> OpenAiTestModels.chatModel(server));
	}

	@ParameterizedTest(name = "spring.aop.auto={0}")
	@ValueSource(booleans = { false, true })
	void llmCachedAlone(boolean aopAuto) {
		runner(aopAuto).withUserConfiguration(LlmCacheContexts.ServiceConfiguration.class).run(context -> {
			assertThat(context).hasNotFailed();
			AskService service = context.getBean(AskService.class);
			service.ask("Proxied without Boot's AOP?");
			service.ask("Proxied without Boot's AOP?");
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@ParameterizedTest(name = "spring.aop.auto={0}")
	@ValueSource(booleans = { false, true })
	void besideEnableCaching(boolean aopAuto) {
		runner(aopAuto).withUserConfiguration(CachingConfiguration.class).run(context -> {
			assertThat(context).hasNotFailed();
			CachingService service = context.getBean(CachingService.class);
			assertThat(service.ask("Both caches?")).isEqualTo(service.ask("Both caches?"));
			assertThat(server.requestCount()).as("@LlmCached hit").isEqualTo(1);
			service.lookup("k");
			service.lookup("k");
			assertThat(service.lookups()).as("@Cacheable hit").isEqualTo(1);
		});
	}

	@ParameterizedTest(name = "spring.aop.auto={0}")
	@ValueSource(booleans = { false, true })
	void besideTransactional(boolean aopAuto) {
		runner(aopAuto).withUserConfiguration(TransactionalConfiguration.class).run(context -> {
			assertThat(context).hasNotFailed();
			TransactionalService service = context.getBean(TransactionalService.class);
			assertThat(service.ask("In a transaction?")).isEqualTo(service.ask("In a transaction?"));
			assertThat(server.requestCount()).as("the second call is a hit").isEqualTo(1);
			assertThat(service.ranInTransaction()).as("the model call ran in the transaction").isTrue();
			assertThat(context.getBean(CountingTransactionManager.class).begun.get()).isPositive();
		});
	}

	@ParameterizedTest(name = "spring.aop.auto={0}")
	@ValueSource(booleans = { false, true })
	void besideAsync(boolean aopAuto) {
		runner(aopAuto).withUserConfiguration(AsyncWorker.AsyncWorkerConfiguration.class).run(context -> {
			assertThat(context).hasNotFailed();
			AsyncWorker service = context.getBean(AsyncWorker.class);
			assertThat(service.threadName().get(10, TimeUnit.SECONDS)).as("@Async moved the call")
				.isNotEqualTo(Thread.currentThread().getName());
			service.ask("Async beside cached?");
			service.ask("Async beside cached?");
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

		@Bean
		CachingService cachingService(ChatModel chatModel) {
			return new CachingService(chatModel);
		}

	}

	static class CachingService {

		private final ChatModel chatModel;

		private final AtomicInteger lookups = new AtomicInteger();

		CachingService(ChatModel chatModel) {
			this.chatModel = chatModel;
		}

		// Read through a method: on a class-based proxy, a field read sees the proxy's own fields.
		public int lookups() {
			return this.lookups.get();
		}

		@LlmCached
		public String ask(String question) {
			return this.chatModel.call(question);
		}

		@Cacheable("lookups")
		public String lookup(String key) {
			return key + this.lookups.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionalConfiguration {

		@Bean
		CountingTransactionManager transactionManager() {
			return new CountingTransactionManager();
		}

		@Bean
		TransactionalService transactionalService(ChatModel chatModel) {
			return new TransactionalService(chatModel);
		}

	}

	static class TransactionalService {

		private final ChatModel chatModel;

		TransactionalService(ChatModel chatModel) {
			this.chatModel = chatModel;
		}

		private volatile boolean ranInTransaction;

		public boolean ranInTransaction() {
			return this.ranInTransaction;
		}

		@Transactional
		@LlmCached
		public String ask(String question) {
			this.ranInTransaction = TransactionSynchronizationManager.isActualTransactionActive();
			return this.chatModel.call(question);
		}

	}

	static class CountingTransactionManager extends AbstractPlatformTransactionManager
			implements PlatformTransactionManager {

		final AtomicInteger begun = new AtomicInteger();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.begun.incrementAndGet();
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
