package dev.llmcache.metrics;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.semantic.SemanticListener;
import org.jspecify.annotations.Nullable;

/**
 * Counts of cached calls per namespace and outcome, and what hits saved (tokens and money), since
 * this instance started; what the Actuator endpoint reports, without needing Micrometer.
 *
 * <p>A hit saves the input and output tokens of the entry it served, priced by the
 * {@link PricingTable} for the entry's model. A miss never saves anything, and a hit never counts
 * as spent. A call coalesced onto another one in this JVM has no entry of its own and saves
 * nothing here (the call it waited for is the miss). The embedding calls of the semantic tier are
 * counted apart, priced as input tokens of the embedding model, and subtracted in
 * {@link NamespaceSnapshot#netCostSaved()}. Thread-safe and cheap on the calling thread.
 */
public class LlmCacheStatistics implements LlmCacheListener, SemanticListener {

	private final PricingTable pricing;

	private final Map<String, Counters> namespaces = new ConcurrentHashMap<>();

	public LlmCacheStatistics(PricingTable pricing) {
		this.pricing = pricing;
	}

	@Override
	public void onCall(CallEvent event) {
		Counters counters = this.namespaces.computeIfAbsent(event.namespace(), namespace -> new Counters());
		counters.outcomes.get(event.outcome()).increment();
		CachedValue entry = event.entry();
		if (entry == null) {
			return;
		}
		if (event.outcome().isHit()) {
			TokenUsage usage = entry.usage();
			counters.inputTokensSaved.add(usage.inputTokens());
			counters.outputTokensSaved.add(usage.outputTokens());
			BigDecimal cost = this.pricing.costOf(entry.model(), usage);
			if (cost.signum() != 0) {
				counters.addCost(cost);
			}
		}
		else if (event.outcome() == Outcome.MISS) {
			counters.stored.increment();
		}
	}

	@Override
	public void embedded(String namespace, @Nullable String model, long inputTokens) {
		Counters counters = this.namespaces.computeIfAbsent(namespace, n -> new Counters());
		counters.embeddingTokens.add(inputTokens);
		BigDecimal cost = this.pricing.costOf(model, new TokenUsage(inputTokens, 0));
		if (cost.signum() != 0) {
			counters.addEmbeddingCost(cost);
		}
	}

	/** A consistent-enough copy of the counters (each counter is read once; calls may land between reads). */
	public Snapshot snapshot() {
		Map<String, NamespaceSnapshot> result = new TreeMap<>();
		this.namespaces.forEach((namespace, counters) -> result.put(namespace, counters.snapshot()));
		return new Snapshot(Collections.unmodifiableMap(result));
	}

	/** Forget one namespace's counters, for instance after it was cleared. */
	public void forget(String namespace) {
		this.namespaces.remove(namespace);
	}

	/** The counters of every namespace that saw a call. */
	public record Snapshot(Map<String, NamespaceSnapshot> namespaces) {

		/** All namespaces summed. */
		public NamespaceSnapshot total() {
			NamespaceSnapshot total = NamespaceSnapshot.EMPTY;
			for (NamespaceSnapshot namespace : this.namespaces.values()) {
				total = total.plus(namespace);
			}
			return total;
		}

	}

	/**
	 * The counters of one namespace.
	 *
	 * @param outcomes calls per outcome (every outcome present, zero when none)
	 * @param inputTokensSaved input tokens of the entries hits served
	 * @param outputTokensSaved output tokens of the entries hits served
	 * @param costSaved their price
	 * @param stored entries this instance stored
	 * @param embeddingTokens input tokens of the embedding calls the semantic tier made
	 * @param embeddingCost their price
	 */
	public record NamespaceSnapshot(Map<Outcome, Long> outcomes, long inputTokensSaved, long outputTokensSaved,
			BigDecimal costSaved, long stored, long embeddingTokens, BigDecimal embeddingCost) {

		static final NamespaceSnapshot EMPTY = new NamespaceSnapshot(zeroOutcomes(), 0, 0, BigDecimal.ZERO, 0, 0,
				BigDecimal.ZERO);

		/** What hits saved minus what the semantic tier's embeddings cost; negative when they cost more. */
		public BigDecimal netCostSaved() {
			return this.costSaved.subtract(this.embeddingCost);
		}

		public long count(Outcome outcome) {
			return this.outcomes.getOrDefault(outcome, 0L);
		}

		/** Calls that could have been answered from cache: all but bypasses. */
		public long lookups() {
			long lookups = 0;
			for (Map.Entry<Outcome, Long> entry : this.outcomes.entrySet()) {
				if (entry.getKey() != Outcome.BYPASS) {
					lookups += entry.getValue();
				}
			}
			return lookups;
		}

		public long hits() {
			return count(Outcome.L1_HIT) + count(Outcome.L2_HIT) + count(Outcome.SEMANTIC_HIT)
					+ count(Outcome.COALESCED);
		}

		/** Hits over lookups, 0 when there was no lookup. */
		public double hitRatio() {
			long lookups = lookups();
			return (lookups > 0) ? (double) hits() / lookups : 0;
		}

		/** The share of lookups answered with this outcome, 0 when there was no lookup. */
		public double ratio(Outcome outcome) {
			long lookups = lookups();
			return (lookups > 0) ? (double) count(outcome) / lookups : 0;
		}

		NamespaceSnapshot plus(NamespaceSnapshot other) {
			Map<Outcome, Long> sum = new EnumMap<>(Outcome.class);
			for (Outcome outcome : Outcome.values()) {
				sum.put(outcome, count(outcome) + other.count(outcome));
			}
			return new NamespaceSnapshot(Collections.unmodifiableMap(sum), this.inputTokensSaved + other.inputTokensSaved,
					this.outputTokensSaved + other.outputTokensSaved, this.costSaved.add(other.costSaved),
					this.stored + other.stored, this.embeddingTokens + other.embeddingTokens,
					this.embeddingCost.add(other.embeddingCost));
		}

		private static Map<Outcome, Long> zeroOutcomes() {
			Map<Outcome, Long> zero = new EnumMap<>(Outcome.class);
			for (Outcome outcome : Outcome.values()) {
				zero.put(outcome, 0L);
			}
			return Collections.unmodifiableMap(zero);
		}

	}

	private static final class Counters {

		private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);

		private final LongAdder inputTokensSaved = new LongAdder();

		private final LongAdder outputTokensSaved = new LongAdder();

		private final LongAdder stored = new LongAdder();

		private final LongAdder embeddingTokens = new LongAdder();

		private BigDecimal costSaved = BigDecimal.ZERO;

		private BigDecimal embeddingCost = BigDecimal.ZERO;

		Counters() {
			for (Outcome outcome : Outcome.values()) {
				this.outcomes.put(outcome, new LongAdder());
			}
		}

		synchronized void addCost(BigDecimal cost) {
			this.costSaved = this.costSaved.add(cost);
		}

		synchronized BigDecimal cost() {
			return this.costSaved;
		}

		synchronized void addEmbeddingCost(BigDecimal cost) {
			this.embeddingCost = this.embeddingCost.add(cost);
		}

		synchronized BigDecimal embeddingCost() {
			return this.embeddingCost;
		}

		NamespaceSnapshot snapshot() {
			Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
			this.outcomes.forEach((outcome, adder) -> counts.put(outcome, adder.sum()));
			return new NamespaceSnapshot(Collections.unmodifiableMap(counts), this.inputTokensSaved.sum(),
					this.outputTokensSaved.sum(), cost(), this.stored.sum(), this.embeddingTokens.sum(), embeddingCost());
		}

	}

}
