package dev.llmcache.semantic;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Counts what shadow mode saw, to measure the precision of semantic hits on real traffic before
 * turning them on: {@link #precision()} is the fraction of would-be hits whose cached answer equals
 * the model's fresh one. Exact equality understates precision for free-form answers (two correct
 * answers may be worded differently), so it is a lower bound. Thread-safe.
 */
public final class ShadowStats implements SemanticListener {

	private final AtomicLong agreed = new AtomicLong();

	private final AtomicLong disagreed = new AtomicLong();

	private final DoubleAdder similarity = new DoubleAdder();

	@Override
	public void shadowed(String namespace, double similarity, boolean agreed) {
		(agreed ? this.agreed : this.disagreed).incrementAndGet();
		this.similarity.add(similarity);
	}

	public long agreed() {
		return this.agreed.get();
	}

	public long disagreed() {
		return this.disagreed.get();
	}

	public long total() {
		return agreed() + disagreed();
	}

	/** Agreed over total, or NaN before the first shadowed hit. */
	public double precision() {
		long total = total();
		return (total == 0) ? Double.NaN : (double) agreed() / total;
	}

	/** Mean similarity of the shadowed hits, or NaN before the first. */
	public double meanSimilarity() {
		long total = total();
		return (total == 0) ? Double.NaN : this.similarity.sum() / total;
	}

	@Override
	public String toString() {
		return "ShadowStats[agreed=" + agreed() + ", disagreed=" + disagreed() + "]";
	}

}
