package dev.llmcache.codec;

import dev.llmcache.key.CacheKey;

/**
 * Turns cache entries into the bytes stored in the shared tier and back.
 *
 * <p>The stored form must carry a format version, so that entries written by another release are
 * recognised instead of misread. Implementations must be thread-safe and must never use Java
 * serialization: stored bytes are untrusted input.
 */
public interface LlmCacheSerializer {

	/**
	 * Encode an entry.
	 * @param entry the entry; its {@code storedBytes} is ignored
	 * @param type the declared type of the value
	 */
	byte[] serialize(CachedValue entry, ValueType type);

	/**
	 * Decode bytes read from the shared tier.
	 * @param bytes the stored bytes
	 * @param type the declared type the caller expects
	 * @return the entry, with {@code storedBytes} set to {@code bytes.length}
	 * @throws UndecodableEntryException if the bytes are not an entry of this format for this type
	 */
	CachedValue deserialize(byte[] bytes, ValueType type) throws UndecodableEntryException;

	/**
	 * Encode the entry stored under a key. Serializers that can bind the stored bytes to their key
	 * (such as an encrypting one) override this, so that bytes copied under another key do not decode.
	 */
	default byte[] serialize(CachedValue entry, ValueType type, CacheKey key) {
		return serialize(entry, type);
	}

	/** Decode the bytes read under a key; see {@link #serialize(CachedValue, ValueType, CacheKey)}. */
	default CachedValue deserialize(byte[] bytes, ValueType type, CacheKey key) throws UndecodableEntryException {
		return deserialize(bytes, type);
	}

}
