package dev.llmcache.autoconfigure.consistency;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;

import dev.llmcache.LlmCacheInvalidationException;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.consistency.Instances.Instance;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consistency model checked as a whole: for a bounded time, threads on two instances call,
 * evict, clear and refresh a few keys while the model answers with the current version of each
 * key's data, and Redis is paused (SIGSTOP/SIGCONT) and restarted empty at random. Every operation
 * is recorded with its start and end; afterwards every answer of a call that started after an
 * invalidation had returned must be at least as new as the data was when that invalidation began.
 *
 * <p>On the instance that invalidated, the rule is exact. On the other instance an L1 copy may
 * outlive the invalidation by the delivery time of its pub/sub message, within the coherence bound
 * of docs/consistency.md; the largest such lag seen is printed and checked against that bound.
 *
 * <p>Runs {@value #DEFAULT_SECONDS} s by default; {@code -Dllmcache.history.seconds=N} (the
 * {@code consistency-long} profile) runs longer.
 */
class ConsistencyHistoryTests {

	private static final int DEFAULT_SECONDS = 30;

	private static final int KEYS = 3;

	private static final long CROSS_INSTANCE_BOUND_MILLIS = 2_000;

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private final AtomicIntegerArray data = new AtomicIntegerArray(KEYS);

	private final ConcurrentLinkedQueue<Op> history = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Throwable> callFailures = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pauses = new AtomicInteger();

	private final AtomicInteger restarts = new AtomicInteger();

	private final AtomicInteger unconfirmed = new AtomicInteger();

	@AfterEach
	void healRedis() {
		redis.resume();
		if (!redis.isRunning()) {
			redis.restart();
		}
	}

	@Test
	void everyAnswerIsAtLeastAsNewAsTheLastInvalidationBeforeItsCall() throws Exception {
		long seconds = Long.getLong("llmcache.history.seconds", DEFAULT_SECONDS);
		for (int k = 0; k < KEYS; k++) {
			this.data.set(k, 1);
		}
		server.setResponder(request -> {
			int k = keyOf(request.lastUserMessage());
			int version = this.data.get(k);
			pause(ThreadLocalRandom.current().nextInt(30));
			return "v" + version + " " + request.lastUserMessage();
		});
		String[] properties = { "llmcache.redis.timeout=100ms", "llmcache.redis.retry-interval=200ms",
				"llmcache.single-flight.lease=1s" };
		Instances.context(server, redis, properties).run(first -> Instances.context(server, redis, properties)
			.run(second -> {
				Instance[] instances = { Instance.of(first), Instance.of(second) };
				long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
				ExecutorService threads = Executors.newFixedThreadPool(7);
				List<Future<?>> running = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					int instance = t % 2;
					running.add(threads.submit(() -> callUntil(end, instance, instances[instance])));
				}
				for (int t = 0; t < 2; t++) {
					int instance = t;
					running.add(threads.submit(() -> invalidateUntil(end, instance, instances[instance])));
				}
				running.add(threads.submit(() -> faultUntil(end)));
				for (Future<?> future : running) {
					future.get(seconds + 60, TimeUnit.SECONDS);
				}
				threads.shutdown();
			}));
		Check check = check(new ArrayList<>(this.history));
		System.out.println("History check: " + this.history.size() + " operations (" + check.calls + " calls, "
				+ check.invalidations + " invalidations returned, " + this.unconfirmed.get()
				+ " reported unconfirmed), " + (this.pauses.get() + this.restarts.get()) + " faults ("
				+ this.pauses.get() + " pauses, " + this.restarts.get() + " empty restarts), " + check.checked
				+ " answer/invalidation pairs checked; same-instance violations " + check.sameInstanceViolations
				+ " " + check.byKind + ", largest cross-instance lag " + check.maxCrossLagMillis + " ms");
		assertThat(this.callFailures).as("calls that failed").isEmpty();
		assertThat(check.sameInstance).as("answers older than an invalidation returned on their instance").isEmpty();
		assertThat(check.maxCrossLagMillis).as("how long another instance served an invalidated answer")
			.isLessThanOrEqualTo(CROSS_INSTANCE_BOUND_MILLIS);
		assertThat(check.calls).isGreaterThan(100);
		assertThat(check.invalidations).isGreaterThan(10);
	}

	private void callUntil(long end, int instance, Instance target) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (System.nanoTime() < end) {
			int k = random.nextInt(KEYS);
			long start = System.nanoTime();
			try {
				int version = target.faq(question(k));
				this.history.add(new Op(Kind.CALL, instance, k, start, System.nanoTime(), version));
			}
			catch (Throwable ex) {
				this.callFailures.add(ex);
			}
		}
	}

	private void invalidateUntil(long end, int instance, Instance target) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (System.nanoTime() < end) {
			pause(random.nextInt(20, 120));
			int k = random.nextInt(KEYS);
			int action = random.nextInt(10);
			try {
				if (action < 5) {
					int version = this.data.incrementAndGet(k);
					long start = System.nanoTime();
					target.manager().evict(AskService.class, "faq", question(k));
					this.history.add(new Op(Kind.EVICT, instance, k, start, System.nanoTime(), version));
				}
				else if (action < 7) {
					int[] versions = new int[KEYS];
					for (int i = 0; i < KEYS; i++) {
						versions[i] = this.data.incrementAndGet(i);
					}
					long start = System.nanoTime();
					target.manager().clearNamespace("faq");
					long finish = System.nanoTime();
					for (int i = 0; i < KEYS; i++) {
						this.history.add(new Op(Kind.CLEAR, instance, i, start, finish, versions[i]));
					}
				}
				else {
					int version = this.data.incrementAndGet(k);
					long start = System.nanoTime();
					int answer = LlmCacheControl.forceRefresh().call(() -> target.faq(question(k)));
					long finish = System.nanoTime();
					this.history.add(new Op(Kind.REFRESH, instance, k, start, finish, version));
					this.history.add(new Op(Kind.CALL, instance, k, start, finish, answer));
				}
			}
			catch (LlmCacheInvalidationException ex) {
				this.unconfirmed.incrementAndGet();
			}
			catch (Throwable ex) {
				this.callFailures.add(ex);
			}
		}
	}

	private void faultUntil(long end) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (System.nanoTime() < end) {
			pause(random.nextInt(300, 1500));
			if (System.nanoTime() >= end) {
				return;
			}
			if (random.nextInt(5) == 0) {
				redis.restart();
				this.restarts.incrementAndGet();
			}
			else {
				redis.pause();
				pause(random.nextInt(50, 400));
				redis.resume();
				this.pauses.incrementAndGet();
			}
		}
	}

	static Check check(List<Op> ops) {
		Map<Integer, KeyInvalidations> byKey = new HashMap<>();
		ops.stream()
			.filter(op -> op.kind != Kind.CALL)
			.collect(Collectors.groupingBy(Op::key))
			.forEach((key, list) -> byKey.put(key, new KeyInvalidations(list)));
		Check check = new Check();
		check.invalidations = byKey.values().stream().mapToInt(k -> k.ops.size()).sum();
		for (Op call : ops) {
			if (call.kind != Kind.CALL) {
				continue;
			}
			check.calls++;
			KeyInvalidations invalidations = byKey.get(call.key);
			if (invalidations == null) {
				continue;
			}
			// Every invalidation of the key that returned before the call began is a pair checked;
			// the newest version among them says at once whether any of them is newer than the answer.
			int before = invalidations.endedBefore(call.start);
			check.checked += before;
			if (before == 0 || invalidations.newestVersion[before - 1] <= call.version) {
				continue;
			}
			for (int i = 0; i < before; i++) {
				Op invalidation = invalidations.ops.get(i);
				if (call.version >= invalidation.version) {
					continue;
				}
				if (invalidation.instance == call.instance) {
					check.sameInstanceViolations++;
					check.byKind.merge(invalidation.kind, 1L, Long::sum);
					if (check.sameInstance.size() < 10) {
						check.sameInstance.add(invalidation + " then " + call);
					}
				}
				else {
					check.maxCrossLagMillis = Math.max(check.maxCrossLagMillis,
							TimeUnit.NANOSECONDS.toMillis(call.start - invalidation.end));
				}
			}
		}
		return check;
	}

	/** The invalidations of one key in the order they returned, with the newest version up to each. */
	private static final class KeyInvalidations {

		final List<Op> ops;

		final long[] ends;

		final int[] newestVersion;

		KeyInvalidations(List<Op> unordered) {
			this.ops = unordered.stream().sorted(Comparator.comparingLong(Op::end)).toList();
			this.ends = this.ops.stream().mapToLong(Op::end).toArray();
			this.newestVersion = new int[this.ops.size()];
			int newest = Integer.MIN_VALUE;
			for (int i = 0; i < this.newestVersion.length; i++) {
				newest = Math.max(newest, this.ops.get(i).version);
				this.newestVersion[i] = newest;
			}
		}

		/** How many returned before {@code time}. */
		int endedBefore(long time) {
			int low = 0;
			int high = this.ends.length;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (this.ends[middle] < time) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			return low;
		}

	}

	private static String question(int k) {
		return "History key " + k + "?";
	}

	private static int keyOf(String question) {
		return Character.digit(question.charAt("History key ".length()), 10);
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	enum Kind {
		CALL, EVICT, CLEAR, REFRESH
	}

	/**
	 * One operation: for a call the version of its answer; for an invalidation the version the data of
	 * its key had when it began.
	 */
	record Op(Kind kind, int instance, int key, long start, long end, int version) {
	}

	static final class Check {

		int calls;

		int invalidations;

		long checked;

		long maxCrossLagMillis;

		long sameInstanceViolations;

		final java.util.Map<Kind, Long> byKind = new java.util.EnumMap<>(Kind.class);

		/** The first few violations on the invalidating instance. */
		final List<String> sameInstance = new ArrayList<>();

	}

}
