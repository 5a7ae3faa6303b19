package dev.llmcache.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until a test advances it: expiry, leases and retry intervals are then
 * tested by moving time forward instead of sleeping. Starts at the real time, so values it stamps
 * look like those of a running application. Thread-safe.
 */
public final class MutableClock extends Clock {

	private final AtomicLong millis;

	private final ZoneId zone;

	private MutableClock(AtomicLong millis, ZoneId zone) {
		this.millis = millis;
		this.zone = zone;
	}

	/** A clock standing at the current time. */
	public static MutableClock now() {
		return new MutableClock(new AtomicLong(System.currentTimeMillis()), ZoneOffset.UTC);
	}

	/** Move the clock forward. */
	public void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("a clock is advanced forward, not by " + duration);
		}
		this.millis.addAndGet(duration.toMillis());
	}

	@Override
	public long millis() {
		return this.millis.get();
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

	@Override
	public ZoneId getZone() {
		return this.zone;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return new MutableClock(this.millis, zone);
	}

}
