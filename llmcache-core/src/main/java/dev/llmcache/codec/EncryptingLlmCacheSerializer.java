package dev.llmcache.codec;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.llmcache.key.CacheKey;

/**
 * Encrypts what another serializer writes with AES-256-GCM before it reaches Redis, for
 * applications whose prompts and answers hold personal data.
 *
 * <p>Stored form, version 1: {@code {"v":1,"enc":"A256GCM","kid":..,"iv":..,"ct":..}} (base64
 * fields). The key id travels with each entry, so keys rotate without a flush: new entries use the
 * active key, older ones are read with the key they name for as long as it is configured. The cache
 * key's hash is authenticated with the ciphertext, so bytes copied under another key do not decode.
 * Anything that fails authentication, names an unknown key or is not of this form is undecodable,
 * which the cache treats as a miss. Thread-safe.
 */
public class EncryptingLlmCacheSerializer implements LlmCacheSerializer {

	private final LlmCacheSerializer delegate;

	private final AesGcmEnvelope envelope;

	/**
	 * @param delegate the serializer whose output is encrypted
	 * @param keys key id to base64-encoded 256-bit key
	 * @param activeKeyId the key new entries are encrypted with
	 * @throws IllegalArgumentException if a key is not 32 bytes of base64 or the active key is missing
	 */
	public EncryptingLlmCacheSerializer(LlmCacheSerializer delegate, Map<String, String> keys, String activeKeyId) {
		this.delegate = delegate;
		this.envelope = new AesGcmEnvelope(keys, activeKeyId);
	}

	@Override
	public byte[] serialize(CachedValue entry, ValueType type) {
		return this.envelope.seal(this.delegate.serialize(entry, type), new byte[0]);
	}

	@Override
	public byte[] serialize(CachedValue entry, ValueType type, CacheKey key) {
		return this.envelope.seal(this.delegate.serialize(entry, type, key), associatedData(key));
	}

	@Override
	public CachedValue deserialize(byte[] bytes, ValueType type) {
		return withSize(this.delegate.deserialize(this.envelope.open(bytes, new byte[0]), type), bytes.length);
	}

	@Override
	public CachedValue deserialize(byte[] bytes, ValueType type, CacheKey key) {
		return withSize(this.delegate.deserialize(this.envelope.open(bytes, associatedData(key)), type, key),
				bytes.length);
	}

	private static byte[] associatedData(CacheKey key) {
		return key.hash().getBytes(StandardCharsets.US_ASCII);
	}

	private static CachedValue withSize(CachedValue value, int storedBytes) {
		return new CachedValue(value.value(), value.model(), value.usage(), value.createdAt(), value.expiresAt(),
				value.generation(), storedBytes);
	}

}
