package dev.llmcache.codec;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * AES-256-GCM with key ids, shared by everything llmcache encrypts (entries, the semantic stream
 * payload), so that one set of keys rotates them all.
 *
 * <p>Sealed form, version 1: {@code {"v":1,"enc":"A256GCM","kid":..,"iv":..,"ct":..}} (base64
 * fields). The key id travels with each envelope: new ones use the active key, older ones are
 * opened with the key they name for as long as it is configured. Anything that fails
 * authentication, names an unknown key or is not of this form is an
 * {@link UndecodableEntryException}. Thread-safe.
 */
final class AesGcmEnvelope {

	private static final int FORMAT_VERSION = 1;

	private static final String ALGORITHM = "A256GCM";

	private static final int IV_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final Map<String, SecretKeySpec> keys;

	private final String activeKeyId;

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * @param keys key id to base64-encoded 256-bit key
	 * @param activeKeyId the key new envelopes are sealed with
	 * @throws IllegalArgumentException if a key is not 32 bytes of base64 or the active key is missing
	 */
	AesGcmEnvelope(Map<String, String> keys, String activeKeyId) {
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

	byte[] seal(byte[] plain, byte[] associatedData) {
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

	byte[] open(byte[] stored, byte[] associatedData) {
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

}
