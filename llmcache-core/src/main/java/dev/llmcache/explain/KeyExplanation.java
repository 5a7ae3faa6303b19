package dev.llmcache.explain;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Why a call is stored where it is: the fields that went into its key and the bucket it falls in,
 * to debug an unexpected miss (compare the canonical forms of two calls that should have shared
 * an entry).
 *
 * <p>The canonical form holds the prompt texts as hashed (normalized when the method normalizes):
 * it is for the caller who asked, and {@link #toString()} leaves it out so the explanation can be
 * logged.
 *
 * @param method the {@code @LlmCached} method
 * @param namespace the namespace (the unit of {@code clearNamespace})
 * @param partition the partition (tenant, user), or null when entries are shared
 * @param fields the names of the fields hashed: the parameters, or {@code key} for a key expression
 * @param normalized whether prompt texts are normalized before hashing
 * @param hash the SHA-256 the entry is stored under
 * @param canonicalForm the text that was hashed
 * @param bypassed true when the partition evaluates to nothing, so the call is never cached (all
 * other fields but method and namespace are then empty)
 */
public record KeyExplanation(String method, String namespace, @Nullable String partition, List<String> fields,
		boolean normalized, @Nullable String hash, @Nullable String canonicalForm, boolean bypassed) {

	@Override
	public String toString() {
		return "KeyExplanation[method=" + this.method + ", namespace=" + this.namespace + ", partition="
				+ this.partition + ", fields=" + this.fields + ", normalized=" + this.normalized + ", hash=" + this.hash
				+ ", bypassed=" + this.bypassed + "]";
	}

}
