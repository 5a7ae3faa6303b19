package dev.llmcache.semantic;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Removes expired entries from a {@link SemanticIndex} at a fixed interval, on a daemon thread of
 * its own. A lookup already drops the expired candidates it meets; this keeps the entries of
 * requests never asked again from holding memory until the application stops.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
public final class ExpiredEntrySweeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ExpiredEntrySweeper.class);

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "llmcache-semantic-sweep");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * @param index the index to sweep
	 * @param interval time between two sweeps
	 */
	public ExpiredEntrySweeper(SemanticIndex index, Duration interval) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("the sweep interval must be positive, got " + interval);
		}
		long millis = interval.toMillis();
		this.executor.scheduleWithFixedDelay(() -> {
			try {
				index.removeExpired(System.currentTimeMillis());
			}
			catch (RuntimeException ex) {
				logger.warn("llmcache: removing expired entries from the semantic index failed: " + ex);
			}
		}, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
