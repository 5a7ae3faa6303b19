package dev.llmcache.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one task on several threads released together, for tests of calls that race: each
 * thread's result, or what it threw, in thread order.
 */
public final class Concurrently {

	private Concurrently() {
	}

	/** A task told which of the threads runs it. */
	@FunctionalInterface
	public interface Task {

		Object run(int index) throws Throwable;

	}

	/** A task that does not care which thread runs it. */
	@FunctionalInterface
	public interface PlainTask {

		Object run() throws Throwable;

	}

	public static List<Object> run(int threads, PlainTask task) throws Exception {
		return run(threads, index -> task.run());
	}

	/**
	 * Start {@code threads} threads at once on {@code task}, and wait for all (60 s at most each);
	 * a task that throws fails the whole run, so a value that is a {@link Throwable} is one a task returned.
	 * @return per thread, what the task returned
	 * @throws IllegalStateException if a task threw, with what it threw as its cause
	 */
	public static List<Object> all(int threads, Task task) throws Exception {
		List<Object> results = new ArrayList<>();
		for (Object result : start(threads, index -> new Returned(task.run(index)), 60)) {
			if (!(result instanceof Returned returned)) {
				throw new IllegalStateException("a racing task failed", (Throwable) result);
			}
			results.add(returned.value());
		}
		return results;
	}

	private record Returned(Object value) {
	}

	/**
	 * Start {@code threads} threads at once on {@code task}, and wait for all (30 s at most each).
	 * @return per thread, what the task returned or the {@link Throwable} it threw
	 */
	public static List<Object> run(int threads, Task task) throws Exception {
		return start(threads, task, 30);
	}

	private static List<Object> start(int threads, Task task, int timeoutSeconds) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<Object>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				int index = i;
				futures.add(executor.submit(() -> {
					start.await();
					try {
						return task.run(index);
					}
					catch (Throwable ex) {
						return ex;
					}
				}));
			}
			start.countDown();
			List<Object> results = new ArrayList<>();
			for (Future<Object> future : futures) {
				results.add(future.get(timeoutSeconds, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
