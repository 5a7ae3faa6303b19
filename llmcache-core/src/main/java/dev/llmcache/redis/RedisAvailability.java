package dev.llmcache.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A small circuit breaker in front of Redis: after a failure, L2 is skipped until a retry interval
 * has passed, then one call probes it. Logs one WARN when an outage starts and one INFO when it
 * ends, never one per call.
 *
 * <p>Thread-safe.
 */
public final class RedisAvailability {

	private static final Log logger = LogFactory.getLog(RedisAvailability.class);

	private final long retryIntervalMillis;

	/** 0 while Redis is up; otherwise the earliest time the next probe may run. */
	private final AtomicLong nextProbeAt = new AtomicLong();

	private final AtomicReference<String> lastFailure = new AtomicReference<>();

	private final java.util.concurrent.atomic.AtomicBoolean refusing = new java.util.concurrent.atomic.AtomicBoolean();

	public RedisAvailability(Duration retryInterval) {
		this.retryIntervalMillis = retryInterval.toMillis();
	}

	/** Whether a call may go to Redis now. While down, lets one caller through per interval. */
	public boolean permits() {
		long probeAt = this.nextProbeAt.get();
		if (probeAt == 0) {
			return true;
		}
		long now = System.currentTimeMillis();
		return now >= probeAt && this.nextProbeAt.compareAndSet(probeAt, now + this.retryIntervalMillis);
	}

	public void succeeded() {
		if (this.nextProbeAt.get() != 0 && this.nextProbeAt.getAndSet(0) != 0) {
			logger.info("llmcache: Redis answers again; the shared tier (L2) is back in use");
		}
	}

	public void failed(Throwable ex) {
		long next = System.currentTimeMillis() + this.retryIntervalMillis;
		String reason = describe(ex);
		this.lastFailure.set(reason);
		if (this.nextProbeAt.getAndSet(next) == 0) {
			logger.warn("llmcache: Redis is unavailable (" + reason + "); calls go on through L1 and the model, "
					+ "and L2 is tried again every " + this.retryIntervalMillis + " ms");
		}
	}

	/**
	 * Redis answered a command with an error: it is up, but refuses (full under {@code noeviction},
	 * a missing ACL permission). One WARN per episode; the episode ends with the next accepted write.
	 */
	public void refused(Exception ex) {
		if (this.refusing.compareAndSet(false, true)) {
			logger.warn("llmcache: Redis refuses commands (" + describe(ex) + "); calls go on, results are not "
					+ "shared until Redis accepts writes again");
		}
	}

	/** A write was accepted: a refusal episode, if any, is over. */
	public void accepted() {
		if (this.refusing.get() && this.refusing.compareAndSet(true, false)) {
			logger.info("llmcache: Redis accepts writes again");
		}
	}

	/** Whether Redis is refusing writes right now. */
	public boolean isRefusing() {
		return this.refusing.get();
	}

	public boolean isUp() {
		return this.nextProbeAt.get() == 0;
	}

	/** The reason of the last failure, for health details; null if none yet. */
	public String lastFailure() {
		return this.lastFailure.get();
	}

	private static String describe(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
