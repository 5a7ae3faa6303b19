package dev.llmcache.key;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What a cache entry is stored under: a namespace, an optional partition (tenant or user) and the
 * SHA-256 of the canonical form of the request.
 *
 * <p>The canonical form itself is not kept, so a key never carries prompt text: {@link #toString()}
 * is safe to log. Entries of different partitions never answer each other, even with equal hashes.
 *
 * <p>Immutable and thread-safe.
 *
 * @see LlmCacheKeyGenerator
 */
public final class CacheKey {

	/**
	 * Version of the canonical form hashed into every key. Raised whenever the canonical form of
	 * some request changes, so that entries written by an older version are never read as if they
	 * answered the new form.
	 */
	public static final int FORMAT_VERSION = 2;

	private final String namespace;

	private final @Nullable String partition;

	private final String hash;

	// Keys are looked up in Caffeine and concurrent maps on every call.
	private final int hashCode;

	/**
	 * @param namespace the namespace, not empty
	 * @param partition the partition, or null for entries shared by all callers
	 * @param hash 64 lowercase hexadecimal characters (a SHA-256)
	 * @throws IllegalArgumentException if the namespace is empty or the hash is not a SHA-256 in
	 * lowercase hex
	 */
	public CacheKey(String namespace, @Nullable String partition, String hash) {
		Assert.hasLength(namespace, "namespace must not be empty");
		Assert.isTrue(isSha256Hex(hash), "hash must be 64 lowercase hexadecimal characters");
		this.namespace = namespace;
		this.partition = partition;
		this.hash = hash;
		this.hashCode = Objects.hash(namespace, partition, hash);
	}

	private static boolean isSha256Hex(@Nullable String hash) {
		if (hash == null || hash.length() != 64) {
			return false;
		}
		for (int i = 0; i < 64; i++) {
			char c = hash.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	public String namespace() {
		return this.namespace;
	}

	public @Nullable String partition() {
		return this.partition;
	}

	/**
	 * @return the SHA-256 of the canonical form, 64 lowercase hexadecimal characters
	 */
	public String hash() {
		return this.hash;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof CacheKey that && this.hashCode == that.hashCode && this.hash.equals(that.hash)
				&& this.namespace.equals(that.namespace) && Objects.equals(this.partition, that.partition);
	}

	@Override
	public int hashCode() {
		return this.hashCode;
	}

	@Override
	public String toString() {
		return "CacheKey[namespace=" + this.namespace + ", partition=" + this.partition + ", hash=" + this.hash + "]";
	}

}
