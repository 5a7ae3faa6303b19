package dev.llmcache.semantic;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExpiredEntrySweeperTests {

	@Test
	void entriesNeverAskedForAgainLeaveTheIndexOnceExpired() throws InterruptedException {
		InMemorySemanticIndex index = new InMemorySemanticIndex();
		long now = System.currentTimeMillis();
		index.add(entry("expiring", now + 100));
		index.add(entry("lasting", now + 3_600_000));
		try (ExpiredEntrySweeper sweeper = new ExpiredEntrySweeper(index, Duration.ofMillis(20))) {
			long deadline = System.currentTimeMillis() + 5_000;
			while (index.size() > 1 && System.currentTimeMillis() < deadline) {
				Thread.sleep(20);
			}
			assertThat(index.size()).isEqualTo(1);
			assertThat(index.nearest("bucket", "lasting", unit(), 5, 0.5)).extracting(n -> n.entry().hash())
				.containsExactly("lasting");
		}
	}

	@Test
	void aSweepIntervalMustBePositive() {
		InMemorySemanticIndex index = new InMemorySemanticIndex();
		assertThatIllegalArgumentException().isThrownBy(() -> new ExpiredEntrySweeper(index, Duration.ZERO))
			.withMessage("the sweep interval must be positive, got PT0S");
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
