package dev.llmcache.tier;

/**
 * Where a lookup found its value.
 */
public enum Tier {

	/** In-process Caffeine. */
	L1,

	/** Redis, shared by every instance. */
	L2,

	/** Not found: the model is called. */
	NONE

}
