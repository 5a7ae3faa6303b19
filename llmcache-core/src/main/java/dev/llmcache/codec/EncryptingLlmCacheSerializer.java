package dev.llmcache.codec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.llmcache.key.CacheKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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

	private static final int FORMAT_VERSION = 1;

	private static final String ALGORITHM = "A256GCM";

	private static final int IV_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final LlmCacheSerializer delegate;

	private final Map<String, SecretKeySpec> keys;

	private final String activeKeyId;

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * @param delegate the serializer whose output is encrypted
	 * @param keys key id to base64-encoded 256-bit key
	 * @param activeKeyId the key new entries are encrypted with
	 * @throws IllegalArgumentException if a key is not 32 bytes of base64 or the active key is missing
	 */
	public EncryptingLlmCacheSerializer(LlmCacheSerializer delegate, Map<String, String> keys, String activeKeyId) {
		this.delegate = delegate;
		Map<String, SecretKeySpec> decoded = new LinkedHashMap<>();
		keys.forEach((id, base64) -> decoded.put(id, decodeKey(id, base64)));
		if (!decoded.containsKey(activeKeyId)) {
			throw new IllegalArgumentException("llmcache.encryption.active-key-id '" + activeKeyId
					+ "' is not among llmcache.encryption.keys " + decoded.keySet());
		}
		this.keys = Map.copyOf(decoded);
		this.activeKeyId = activeKeyId;
	}

	private static SecretKeySpec decodeKey(String id, String base64) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("llmcache.encryption.keys." + id + " is not base64", ex);
		}
		if (key.length != 32) {
			throw new IllegalArgumentException(
					"llmcache.encryption.keys." + id + " must be 32 bytes (256 bits), got " + key.length);
		}
		return new SecretKeySpec(key, "AES");
	}

	@Override
	public byte[] serialize(CachedValue entry, ValueType type) {
		return encrypt(this.delegate.serialize(entry, type), new byte[0]);
	}

	@Override
	public byte[] serialize(CachedValue entry, ValueType type, CacheKey key) {
		return encrypt(this.delegate.serialize(entry, type, key), associatedData(key));
	}

	@Override
	public CachedValue deserialize(byte[] bytes, ValueType type) {
		return withSize(this.delegate.deserialize(decrypt(bytes, new byte[0]), type), bytes.length);
	}

	@Override
	public CachedValue deserialize(byte[] bytes, ValueType type, CacheKey key) {
		return withSize(this.delegate.deserialize(decrypt(bytes, associatedData(key)), type, key), bytes.length);
	}

	private byte[] encrypt(byte[] plain, byte[] associatedData) {
		byte[] iv = new byte[IV_BYTES];
		this.random.nextBytes(iv);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(associatedData);
			byte[] sealed = cipher.doFinal(plain);
			ObjectNode node = this.mapper.createObjectNode();
			node.put("v", FORMAT_VERSION);
			node.put("enc", ALGORITHM);
			node.put("kid", this.activeKeyId);
			node.put("iv", Base64.getEncoder().encodeToString(iv));
			node.put("ct", Base64.getEncoder().encodeToString(sealed));
			return this.mapper.writeValueAsBytes(node);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption failed", ex);
		}
	}

	private byte[] decrypt(byte[] stored, byte[] associatedData) {
		JsonNode node;
		try {
			node = this.mapper.readTree(stored);
		}
		catch (JacksonException ex) {
			throw new UndecodableEntryException("not an encrypted envelope", ex);
		}
		if (node == null || node.path("v").asInt(-1) != FORMAT_VERSION || !ALGORITHM.equals(node.path("enc").asString(""))) {
			throw new UndecodableEntryException("not an encrypted envelope of version " + FORMAT_VERSION);
		}
		String keyId = node.path("kid").asString("");
		SecretKeySpec key = this.keys.get(keyId);
		if (key == null) {
			throw new UndecodableEntryException("encrypted with unknown key id '" + keyId + "'");
		}
		try {
			byte[] iv = Base64.getDecoder().decode(node.path("iv").asString(""));
			byte[] sealed = Base64.getDecoder().decode(node.path("ct").asString(""));
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(associatedData);
			return cipher.doFinal(sealed);
		}
		catch (AEADBadTagException ex) {
			throw new UndecodableEntryException("failed authentication", ex);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new UndecodableEntryException("cannot decrypt: " + ex.getMessage(), ex);
		}
	}

	private static byte[] associatedData(CacheKey key) {
		return key.hash().getBytes(StandardCharsets.US_ASCII);
	}

	private static CachedValue withSize(CachedValue value, int storedBytes) {
		return new CachedValue(value.value(), value.model(), value.usage(), value.createdAt(), value.expiresAt(),
				value.generation(), storedBytes);
	}

}
