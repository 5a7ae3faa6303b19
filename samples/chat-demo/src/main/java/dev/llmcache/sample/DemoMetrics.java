package dev.llmcache.sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The demo's own view of the cache, fed by the engine's {@link LlmCacheListener}: calls made and
 * avoided, hits per tier, latency of hits and misses, tokens and dollars saved, and a timeline for
 * the dashboard's chart. It also remembers the last event of the current thread, so a request
 * handler can tell how its own call was answered.
 *
 * <p>Tokens saved are those of the entry a hit served; a call coalesced onto an identical one in
 * flight counts as avoided but saves no known tokens (the engine does not hand it the entry).
 * Thread-safe.
 */
@Component
public class DemoMetrics implements LlmCacheListener {

	private static final int LATENCY_SAMPLES = 4096;

	private static final int TIMELINE_POINTS = 300;

	private final DemoProperties properties;

	private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

	private final LongAdder inputTokensSaved = new LongAdder();

	private final LongAdder outputTokensSaved = new LongAdder();

	private final Samples hitLatency = new Samples(LATENCY_SAMPLES);

	private final Samples missLatency = new Samples(LATENCY_SAMPLES);

	private final ArrayDeque<Point> timeline = new ArrayDeque<>();

	private final ThreadLocal<CallEvent> lastOnThread = new ThreadLocal<>();

	public DemoMetrics(DemoProperties properties) {
		this.properties = properties;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new LongAdder());
		}
	}

	@Override
	public void onCall(CallEvent event) {
		this.counts.get(event.outcome()).increment();
		long nanos = event.lookupNanos() + event.modelNanos();
		if (event.outcome().isHit()) {
			// A coalesced call waited for the model: its latency is not that of a cache read.
			if (event.outcome() != Outcome.COALESCED) {
				this.hitLatency.add(nanos);
			}
			CachedValue entry = event.entry();
			if (entry != null) {
				this.inputTokensSaved.add(entry.usage().inputTokens());
				this.outputTokensSaved.add(entry.usage().outputTokens());
			}
		}
		else if (event.outcome() == Outcome.MISS) {
			this.missLatency.add(nanos);
		}
		this.lastOnThread.set(event);
	}

	/** Runs a cached call and returns its value with the event it produced on this thread. */
	public <T> Observed<T> observe(Supplier<T> call) {
		this.lastOnThread.remove();
		long start = System.nanoTime();
		try {
			T value = call.get();
			return new Observed<>(value, this.lastOnThread.get(), System.nanoTime() - start);
		}
		finally {
			this.lastOnThread.remove();
		}
	}

	public Snapshot snapshot() {
		long l1 = count(Outcome.L1_HIT);
		long l2 = count(Outcome.L2_HIT);
		long semantic = count(Outcome.SEMANTIC_HIT);
		long coalesced = count(Outcome.COALESCED);
		long misses = count(Outcome.MISS);
		long bypasses = count(Outcome.BYPASS);
		long errors = count(Outcome.ERROR);
		long in = this.inputTokensSaved.sum();
		long out = this.outputTokensSaved.sum();
		double dollars = (in * this.properties.getInputPricePerMillion()
				+ out * this.properties.getOutputPricePerMillion()) / 1_000_000.0;
		return new Snapshot(System.currentTimeMillis(), l1, l2, semantic, coalesced, misses, bypasses, errors,
				this.hitLatency.percentileMillis(50), this.hitLatency.percentileMillis(99),
				this.missLatency.percentileMillis(50), this.missLatency.percentileMillis(99), in, out, dollars);
	}

	/** One point a second for the dashboard's chart (the last five minutes). */
	@Scheduled(fixedRate = 1000)
	public void tick() {
		Snapshot now = snapshot();
		synchronized (this.timeline) {
			this.timeline.addLast(new Point(now.time(), now.hitRatio(), now.modelCalls(), now.callsAvoided(),
					now.dollarsSaved()));
			while (this.timeline.size() > TIMELINE_POINTS) {
				this.timeline.removeFirst();
			}
		}
	}

	public List<Point> timeline() {
		synchronized (this.timeline) {
			return new ArrayList<>(this.timeline);
		}
	}

	private long count(Outcome outcome) {
		return this.counts.get(outcome).sum();
	}

	/** A call's value, the event it produced (null if it never reached the cache) and its duration. */
	public record Observed<T>(T value, @Nullable CallEvent event, long nanos) {
	}

	/** Cumulative figures since startup. */
	public record Snapshot(long time, long l1Hits, long l2Hits, long semanticHits, long coalesced, long misses,
			long bypasses, long errors, double hitP50Millis, double hitP99Millis, double missP50Millis,
			double missP99Millis, long inputTokensSaved, long outputTokensSaved, double dollarsSaved) {

		public long callsAvoided() {
			return this.l1Hits + this.l2Hits + this.semanticHits + this.coalesced;
		}

		public long modelCalls() {
			return this.misses + this.bypasses + this.errors;
		}

		public long calls() {
			return callsAvoided() + modelCalls();
		}

		public double hitRatio() {
			return ratio(callsAvoided());
		}

		public Map<String, Double> hitRatioByTier() {
			return Map.of("l1", ratio(this.l1Hits), "l2", ratio(this.l2Hits), "semantic", ratio(this.semanticHits),
					"coalesced", ratio(this.coalesced));
		}

		private double ratio(long count) {
			long calls = calls();
			return (calls == 0) ? 0 : (double) count / calls;
		}

	}

	/** One point of the timeline. */
	public record Point(long time, double hitRatio, long modelCalls, long callsAvoided, double dollarsSaved) {
	}

	/** The last {@code capacity} durations, in nanoseconds. */
	private static final class Samples {

		private final long[] values;

		private int next;

		private int size;

		Samples(int capacity) {
			this.values = new long[capacity];
		}

		synchronized void add(long nanos) {
			this.values[this.next] = nanos;
			this.next = (this.next + 1) % this.values.length;
			this.size = Math.min(this.size + 1, this.values.length);
		}

		synchronized double percentileMillis(int percentile) {
			if (this.size == 0) {
				return 0;
			}
			long[] sorted = Arrays.copyOf(this.values, this.size);
			Arrays.sort(sorted);
			int index = (int) Math.ceil(percentile / 100.0 * this.size) - 1;
			return sorted[Math.max(0, Math.min(index, this.size - 1))] / 1_000_000.0;
		}

	}

}
