package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The bounded pool on which llmcache does its cache I/O for asynchronous and streaming calls.
 *
 * <p>Deliberately not an {@link Executor} bean: Spring Boot creates the application's
 * {@code applicationTaskExecutor} only when no {@code Executor} bean exists when its condition is
 * evaluated, so an executor bean of ours would switch the application's executor off, or not,
 * depending on auto-configuration order. The executor is reachable through {@link #executor()} only.
 *
 * <p>Both forms reject a task when they are saturated (a bounded queue, or a concurrency limit for
 * virtual threads), which the engine turns into a cache miss instead of blocking the caller.
 */
final class LlmCacheIoPool implements DisposableBean {

	static final String THREAD_NAME_PREFIX = "llmcache-io-";

	private final AsyncTaskExecutor executor;

	private LlmCacheIoPool(AsyncTaskExecutor executor) {
		this.executor = executor;
	}

	/** Platform threads: a pool of {@code threads} with a queue of {@code queueCapacity}. */
	static LlmCacheIoPool platformThreads(int threads, int queueCapacity) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads)
			.maxPoolSize(threads)
			.queueCapacity(queueCapacity)
			.allowCoreThreadTimeOut(true)
			.keepAlive(Duration.ofSeconds(60))
			.threadNamePrefix(THREAD_NAME_PREFIX)
			.build();
		executor.initialize();
		return new LlmCacheIoPool(executor);
	}

	/** Virtual threads (where the application enabled them): at most {@code limit} at a time. */
	static LlmCacheIoPool virtualThreads(int limit) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutorBuilder().virtualThreads(true)
			.threadNamePrefix(THREAD_NAME_PREFIX)
			.concurrencyLimit(limit)
			.rejectTasksWhenLimitReached(true)
			.build();
		return new LlmCacheIoPool(executor);
	}

	/** The executor; rejects tasks when saturated and after {@link #destroy()}. */
	Executor executor() {
		return this.executor;
	}

	@Override
	public void destroy() throws Exception {
		if (this.executor instanceof DisposableBean disposable) {
			disposable.destroy();
		}
		else if (this.executor instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}
