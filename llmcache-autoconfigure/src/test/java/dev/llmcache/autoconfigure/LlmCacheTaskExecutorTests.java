package dev.llmcache.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Adding the starter leaves the application's own task executor alone: Boot creates
 * {@code applicationTaskExecutor} only when it sees no {@code Executor} bean, so llmcache's I/O pool
 * must not be one, whichever auto-configuration is processed first.
 */
class LlmCacheTaskExecutorTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	@Test
	void applicationTaskExecutorSurvivesWhenLlmCacheIsConfiguredFirst() {
		// User configurations are processed in the order given, not sorted: the order is forced.
		assertApplicationExecutorKept(new ApplicationContextRunner().withUserConfiguration(AopAutoConfiguration.class,
				LlmCacheAutoConfiguration.class, TaskExecutionAutoConfiguration.class, AsyncApplication.class));
	}

	@Test
	void applicationTaskExecutorSurvivesWhenTaskExecutionIsConfiguredFirst() {
		assertApplicationExecutorKept(new ApplicationContextRunner().withUserConfiguration(AopAutoConfiguration.class,
				TaskExecutionAutoConfiguration.class, LlmCacheAutoConfiguration.class, AsyncApplication.class));
	}

	@Test
	void virtualThreadsAreUsedForCacheIoWhereTheApplicationEnabledThem() {
		new ApplicationContextRunner()
			.withUserConfiguration(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class, AsyncApplication.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run(context -> {
				assertThat(context).hasNotFailed().hasBean("applicationTaskExecutor");
				assertThat(context.getBeansOfType(Executor.class)).containsOnlyKeys("applicationTaskExecutor");
				CompletableFuture<Thread> ran = new CompletableFuture<>();
				context.getBean(LlmCacheIoPool.class).executor().execute(() -> ran.complete(Thread.currentThread()));
				Thread thread = ran.get(10, TimeUnit.SECONDS);
				assertThat(thread.getName()).startsWith("llmcache-io-");
				// Boot enables virtual threads on Java 21 and later only; before, the pool keeps platform threads.
				assertThat(isVirtual(thread)).isEqualTo(Runtime.version().feature() >= 21);
			});
	}

	@Test
	void aSaturatedPoolRejectsInsteadOfQueueingWithoutBound() {
		new ApplicationContextRunner().withUserConfiguration(LlmCacheAutoConfiguration.class)
			.withPropertyValues("llmcache.async.io-threads=1", "llmcache.async.io-queue-capacity=1")
			.run(context -> {
				Executor executor = context.getBean(LlmCacheIoPool.class).executor();
				CompletableFuture<Void> release = new CompletableFuture<>();
				executor.execute(release::join);
				executor.execute(() -> {
				});
				assertThat(catchThrowable(() -> executor.execute(() -> {
				}))).isInstanceOf(RejectedExecutionException.class);
				release.complete(null);
			});
	}

	private static boolean isVirtual(Thread thread) throws Exception {
		if (Runtime.version().feature() < 21) {
			return false;
		}
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
	}

	private void assertApplicationExecutorKept(ApplicationContextRunner runner) {
		runner.run(context -> {
			assertThat(context).hasNotFailed().hasBean("applicationTaskExecutor");
			assertThat(context.getBeansOfType(Executor.class)).as("llmcache defines no Executor bean")
				.containsOnlyKeys("applicationTaskExecutor");
			AsyncWorker worker = context.getBean(AsyncWorker.class);
			assertThat(worker.threadName().get(10, TimeUnit.SECONDS)).as("@Async runs on Boot's executor")
				.startsWith("task-");
			String question = "Which pool? " + System.nanoTime();
			int before = server.requestCount();
			assertThat(worker.askLater(question).get(10, TimeUnit.SECONDS))
				.isEqualTo(MockOpenAiServer.expectedAnswer(question));
			assertThat(worker.askLater(question).get(10, TimeUnit.SECONDS))
				.isEqualTo(MockOpenAiServer.expectedAnswer(question));
			assertThat(server.requestCount() - before).as("the second call is a cache hit").isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@Import(AsyncWorker.AsyncWorkerConfiguration.class)
	static class AsyncApplication {

		@Bean
		ChatModel chatModel() {
			return OpenAiTestModels.chatModel(server);
		}

	}

}
