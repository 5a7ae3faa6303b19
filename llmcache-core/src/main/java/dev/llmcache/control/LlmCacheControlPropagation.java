package dev.llmcache.control;

import java.util.concurrent.Executor;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;

/**
 * Carries the {@link LlmCacheControl} of the calling thread to the threads that continue a call,
 * with Micrometer's context propagation: snapshots taken here hold the control only (other
 * thread-local values an application registered are theirs to carry), and a snapshot without a
 * control clears the control of the thread it is restored on, so a pooled thread never runs a task
 * under a control left by an earlier one. Thread-safe.
 */
public final class LlmCacheControlPropagation {

	private static final ContextSnapshotFactory SNAPSHOTS;

	static {
		ContextRegistry registry = ContextRegistry.getInstance();
		boolean registered = registry.getThreadLocalAccessors()
			.stream()
			.anyMatch(accessor -> LlmCacheControlAccessor.KEY.equals(accessor.key()));
		if (!registered) {
			// The service file was not seen (an unusual class loader): register it ourselves.
			registry.registerThreadLocalAccessor(new LlmCacheControlAccessor());
		}
		SNAPSHOTS = ContextSnapshotFactory.builder()
			.contextRegistry(registry)
			.captureKeyPredicate(LlmCacheControlAccessor.KEY::equals)
			.clearMissing(true)
			.build();
	}

	private LlmCacheControlPropagation() {
	}

	/**
	 * The control of the calling thread, to be restored on another thread ({@link #wrap(Runnable)})
	 * or written into a Reactor context
	 * ({@link ContextSnapshot#updateContext(Object)}); empty when the thread has none.
	 */
	public static ContextSnapshot capture() {
		return SNAPSHOTS.captureAll();
	}

	/**
	 * The control a context holds (a Reactor {@code ContextView}, or any context Micrometer has an
	 * accessor for), current on the calling thread until the scope is closed; a context that holds
	 * none makes the defaults current.
	 */
	public static ContextSnapshot.Scope openFrom(Object context) {
		return SNAPSHOTS.setThreadLocalsFrom(context, LlmCacheControlAccessor.KEY);
	}

	/**
	 * An executor that runs each task under the control of the thread that submitted it. Rejections
	 * of the given executor reach the caller unchanged.
	 */
	public static Executor propagating(Executor executor) {
		return task -> executor.execute(wrap(task));
	}

	/** The task, to run under the control of the calling thread wherever it runs. */
	public static Runnable wrap(Runnable task) {
		ContextSnapshot snapshot = capture();
		return () -> {
			// Restricted to our key: with clearMissing, a plain setThreadLocals() would also clear the
			// values of every other registered accessor (observations, an application's own).
			try (ContextSnapshot.Scope scope = snapshot.setThreadLocals(LlmCacheControlAccessor.KEY::equals)) {
				task.run();
			}
		};
	}

}
