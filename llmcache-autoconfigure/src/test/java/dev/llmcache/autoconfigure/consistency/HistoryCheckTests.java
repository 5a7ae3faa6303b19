package dev.llmcache.autoconfigure.consistency;

import java.util.List;

import dev.llmcache.autoconfigure.consistency.ConsistencyHistoryTests.Check;
import dev.llmcache.autoconfigure.consistency.ConsistencyHistoryTests.Kind;
import dev.llmcache.autoconfigure.consistency.ConsistencyHistoryTests.Op;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check of {@link ConsistencyHistoryTests} on histories written by hand, so that a history
 * check that passes is known to be one that can fail.
 */
class HistoryCheckTests {

	private static final long MS = 1_000_000;

	@Test
	void anAnswerOlderThanAnInvalidationThatReturnedBeforeTheCallOnItsInstanceIsAViolation() {
		Check check = ConsistencyHistoryTests.check(List.of(
				new Op(Kind.EVICT, 0, 1, 0, 10 * MS, 2),
				new Op(Kind.CALL, 0, 1, 20 * MS, 30 * MS, 1)));
		assertThat(check.sameInstanceViolations).isEqualTo(1);
		assertThat(check.byKind).containsEntry(Kind.EVICT, 1L);
		assertThat(check.sameInstance).hasSize(1);
		assertThat(check.checked).isEqualTo(1);
	}

	@Test
	void onAnotherInstanceTheAnswerCountsAsLagFromTheInvalidationsReturn() {
		Check check = ConsistencyHistoryTests.check(List.of(
				new Op(Kind.CLEAR, 1, 1, 0, 10 * MS, 2),
				new Op(Kind.CALL, 0, 1, 25 * MS, 30 * MS, 1),
				new Op(Kind.CALL, 0, 1, 40 * MS, 45 * MS, 2)));
		assertThat(check.sameInstanceViolations).isZero();
		assertThat(check.maxCrossLagMillis).isEqualTo(15);
		assertThat(check.calls).isEqualTo(2);
	}

	@Test
	void callsThatBeganBeforeTheInvalidationReturnedOrOfOtherKeysAreNotViolations() {
		Check check = ConsistencyHistoryTests.check(List.of(
				new Op(Kind.REFRESH, 0, 1, 0, 10 * MS, 3),
				new Op(Kind.CALL, 0, 1, 5 * MS, 30 * MS, 1),
				new Op(Kind.CALL, 0, 2, 20 * MS, 30 * MS, 1),
				new Op(Kind.CALL, 0, 1, 20 * MS, 30 * MS, 3)));
		assertThat(check.sameInstanceViolations).isZero();
		assertThat(check.maxCrossLagMillis).isZero();
		assertThat(check.checked).isEqualTo(1);
		assertThat(check.invalidations).isEqualTo(1);
	}

	@Test
	void anOlderInvalidationIsFoundBehindANewerOneThatReturnedFirst() {
		// Versions need not grow in the order invalidations return: the newest-so-far shortcut
		// must still reach the one that is newer than the answer.
		Check check = ConsistencyHistoryTests.check(List.of(
				new Op(Kind.EVICT, 0, 1, 0, 5 * MS, 4),
				new Op(Kind.EVICT, 0, 1, 0, 8 * MS, 2),
				new Op(Kind.CALL, 0, 1, 20 * MS, 30 * MS, 3)));
		assertThat(check.sameInstanceViolations).isEqualTo(1);
		assertThat(check.checked).isEqualTo(2);
	}

}
