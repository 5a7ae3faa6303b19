package dev.llmcache.engine;

/**
 * How one cached call was answered. The stored names are metric tag values.
 */
public enum Outcome {

	/** Answered from the in-process tier. */
	L1_HIT("l1_hit"),

	/** Answered from Redis. */
	L2_HIT("l2_hit"),

	/** Answered from the entry of a differently worded request with the same meaning. */
	SEMANTIC_HIT("semantic_hit"),

	/** Waited for an identical call in flight (here or on another instance) and shared its answer. */
	COALESCED("coalesced"),

	/** Called the model. */
	MISS("miss"),

	/** Not eligible for the cache (condition, temperature, no partition): called the model. */
	BYPASS("bypass"),

	/** The model call failed; nothing was cached. */
	ERROR("error");

	private final String tag;

	Outcome(String tag) {
		this.tag = tag;
	}

	public String tag() {
		return this.tag;
	}

	public boolean isHit() {
		return this == L1_HIT || this == L2_HIT || this == SEMANTIC_HIT || this == COALESCED;
	}

}
