package dev.llmcache.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;

import org.jspecify.annotations.Nullable;

/**
 * The executor of a synchronous call: its tasks run on the thread that made the call, which waits
 * in {@link #await} and runs them as they come. The asynchronous flow thereby runs a plain call
 * entirely on its caller's thread (the model call included, with the caller's thread-locals),
 * without a second thread and without a second copy of the flow.
 *
 * <p>{@link #execute} is thread-safe; {@link #await} must be called once, by the caller's thread.
 */
final class CallerRuns implements Executor {

	private static final Runnable WAKE_UP = () -> {
	};

	private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

	private volatile boolean closed;

	@Override
	public void execute(Runnable task) {
		if (this.closed) {
			// The caller has its answer and is gone: a late task (such as a lease release) runs elsewhere.
			ForkJoinPool.commonPool().execute(task);
			return;
		}
		this.tasks.add(task);
	}

	/**
	 * Run this call's tasks until the result is complete.
	 * @return the result
	 * @throws Throwable what the result failed with, unwrapped
	 */
	<T> T await(CompletableFuture<T> result) throws Throwable {
		result.whenComplete((value, ex) -> this.tasks.add(WAKE_UP));
		while (!result.isDone()) {
			this.tasks.take().run();
		}
		this.closed = true;
		Runnable left;
		while ((left = this.tasks.poll()) != null) {
			left.run();
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			throw unwrap(ex);
		}
	}

	static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static <T> CompletableFuture<T> failed(@Nullable Throwable ex) {
		return CompletableFuture.failedFuture(unwrap(ex));
	}

}
