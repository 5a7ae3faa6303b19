package dev.llmcache.semantic;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Removes expired entries from a {@link SemanticIndex} at a fixed interval, on a daemon thread of
 * its own. A lookup already drops the expired candidates it meets; this keeps the entries of
 * requests never asked again from holding memory until the application stops.
 *
 * <p>Sweeps between {@link #start()} and {@link #stop()} (a Spring context calls them once it is
 * ready and when it closes). Thread-safe.
 */
public final class ExpiredEntrySweeper implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ExpiredEntrySweeper.class);

	private final SemanticIndex index;

	private final long intervalMillis;

	private final Clock clock;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * @param index the index to sweep
	 * @param interval time between two sweeps
	 */
	public ExpiredEntrySweeper(SemanticIndex index, Duration interval) {
		this(index, interval, Clock.systemUTC());
	}

	/**
	 * @param index the index to sweep
	 * @param interval time between two sweeps
	 * @param clock what "now" is when deciding what expired
	 */
	public ExpiredEntrySweeper(SemanticIndex index, Duration interval, Clock clock) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("the sweep interval must be positive, got " + interval);
		}
		this.index = index;
		this.intervalMillis = interval.toMillis();
		this.clock = clock;
	}

	/** Removes what expired, now, on the calling thread. */
	public void sweep() {
		try {
			this.index.removeExpired(this.clock.millis());
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: removing expired entries from the semantic index failed: " + ex);
		}
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "llmcache-semantic-sweep");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::sweep, this.intervalMillis, this.intervalMillis, TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public void close() {
		stop();
	}

}
