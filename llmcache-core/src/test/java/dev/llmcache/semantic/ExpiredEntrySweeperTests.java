package dev.llmcache.semantic;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExpiredEntrySweeperTests {

	private static final long NOW = 1_800_000_000_000L;

	@Test
	void entriesNeverAskedForAgainLeaveTheIndexOnceExpired() {
		InMemorySemanticIndex index = new InMemorySemanticIndex();
		index.add(entry("expiring", NOW + 100));
		index.add(entry("lasting", NOW + 3_600_000));
		ExpiredEntrySweeper before = new ExpiredEntrySweeper(index, Duration.ofSeconds(10), clockAt(NOW + 99));
		before.sweep();
		assertThat(index.size()).as("nothing expired yet").isEqualTo(2);
		ExpiredEntrySweeper after = new ExpiredEntrySweeper(index, Duration.ofSeconds(10), clockAt(NOW + 100));
		after.sweep();
		assertThat(index.size()).isEqualTo(1);
		assertThat(index.nearest("bucket", "lasting", unit(), 5, 0.5)).extracting(n -> n.entry().hash())
			.containsExactly("lasting");
	}

	@Test
	void sweepsOnlyBetweenStartAndStop() throws InterruptedException {
		InMemorySemanticIndex index = new InMemorySemanticIndex();
		index.add(entry("expired", NOW - 1));
		ExpiredEntrySweeper sweeper = new ExpiredEntrySweeper(index, Duration.ofMillis(10), clockAt(NOW));
		assertThat(sweeper.isRunning()).isFalse();
		sweeper.start();
		try {
			assertThat(sweeper.isRunning()).isTrue();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (index.size() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(index.size()).as("swept in the background").isZero();
		}
		finally {
			sweeper.stop();
		}
		assertThat(sweeper.isRunning()).isFalse();
		assertThat(threadEnds("llmcache-semantic-sweep")).as("the sweeping thread ends with stop()").isTrue();
	}

	@Test
	void aSweepIntervalMustBePositive() {
		InMemorySemanticIndex index = new InMemorySemanticIndex();
		assertThatIllegalArgumentException().isThrownBy(() -> new ExpiredEntrySweeper(index, Duration.ZERO))
			.withMessage("the sweep interval must be positive, got PT0S");
	}

	private static boolean threadEnds(String name) throws InterruptedException {
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals(name)) {
				thread.join(5_000);
				if (thread.isAlive()) {
					return false;
				}
			}
		}
		return true;
	}

	private static Clock clockAt(long millis) {
		return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
	}

	private static IndexedRequest entry(String hash, long expiresAt) {
		return new IndexedRequest("bucket", "ns", null, hash, hash, unit(), expiresAt);
	}

	private static float[] unit() {
		float[] vector = new float[4];
		vector[0] = 1;
		return vector;
	}

}
