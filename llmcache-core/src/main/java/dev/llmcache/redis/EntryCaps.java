package dev.llmcache.redis;

import java.util.Map;

/**
 * The most entries each namespace may keep in Redis: one figure for every namespace, and figures
 * for named namespaces that override it. Zero means no cap. Immutable and thread-safe.
 *
 * @param perNamespace the cap of every namespace without a cap of its own, 0 for none
 * @param byNamespace caps of named namespaces, 0 for none
 */
public record EntryCaps(long perNamespace, Map<String, Long> byNamespace) {

	/** No namespace is capped. */
	public static final EntryCaps NONE = new EntryCaps(0, Map.of());

	public EntryCaps {
		check("llmcache.redis.max-entries-per-namespace", perNamespace);
		byNamespace.forEach((namespace, cap) -> check("llmcache.redis.max-entries[" + namespace + "]", cap));
		byNamespace = Map.copyOf(byNamespace);
	}

	/** The cap of a namespace, 0 when it has none. */
	public long capOf(String namespace) {
		return this.byNamespace.getOrDefault(namespace, this.perNamespace);
	}

	/** Whether any namespace is capped. */
	public boolean any() {
		return this.perNamespace > 0 || this.byNamespace.values().stream().anyMatch(cap -> cap > 0);
	}

	private static void check(String property, Long cap) {
		if (cap == null || cap < 0) {
			throw new IllegalArgumentException(property + " must be 0 (no cap) or a positive count, got " + cap);
		}
	}

}
