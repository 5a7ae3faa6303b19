package dev.llmcache.codec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seals the prompt-derived fields of a semantic stream entry with the entry encryption keys
 * (AES-256-GCM, {@code llmcache.encryption.*}): the given fields are moved into one field
 * {@value #SEALED} holding the base64 of an envelope, and everything else stays readable (hashes,
 * namespace, expiry, instance id). The sealed fields are bound to the entry's {@value #BOUND_TO}
 * field, so a payload copied into another entry does not open. An entry without a sealed payload
 * (written before encryption was on) is undecodable: an encrypting reader never takes text in clear.
 *
 * <p>Thread-safe.
 */
public final class EncryptingStreamPayloadCodec implements StreamPayloadCodec {

	static final String SEALED = "e";

	static final String BOUND_TO = "h";

	private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
	};

	private final AesGcmEnvelope envelope;

	private final Set<String> sealedFields;

	private final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * @param keys key id to base64-encoded 256-bit key, as for entries
	 * @param activeKeyId the key new payloads are sealed with
	 * @param sealedFields the fields that are encrypted
	 * @throws IllegalArgumentException if a key is not 32 bytes of base64 or the active key is missing
	 */
	public EncryptingStreamPayloadCodec(Map<String, String> keys, String activeKeyId, Set<String> sealedFields) {
		this.envelope = new AesGcmEnvelope(keys, activeKeyId);
		this.sealedFields = Set.copyOf(sealedFields);
	}

	@Override
	public Map<String, String> encode(Map<String, String> fields) {
		Map<String, String> open = new LinkedHashMap<>();
		Map<String, String> sealed = new HashMap<>();
		fields.forEach((name, value) -> {
			if (this.sealedFields.contains(name)) {
				sealed.put(name, value);
			}
			else {
				open.put(name, value);
			}
		});
		byte[] payload = this.mapper.writeValueAsBytes(sealed);
		open.put(SEALED, Base64.getEncoder().encodeToString(this.envelope.seal(payload, boundTo(fields))));
		return open;
	}

	@Override
	public Map<String, String> decode(Map<String, String> fields) {
		String sealed = fields.get(SEALED);
		if (sealed == null) {
			throw new UndecodableEntryException("a semantic stream entry without an encrypted payload");
		}
		byte[] envelope;
		try {
			envelope = Base64.getDecoder().decode(sealed);
		}
		catch (IllegalArgumentException ex) {
			throw new UndecodableEntryException("an encrypted payload that is not base64", ex);
		}
		Map<String, String> payload;
		try {
			payload = this.mapper.readValue(this.envelope.open(envelope, boundTo(fields)), FIELDS);
		}
		catch (JacksonException ex) {
			throw new UndecodableEntryException("an encrypted payload that is not a map of fields", ex);
		}
		Map<String, String> decoded = new HashMap<>(fields);
		decoded.remove(SEALED);
		payload.forEach((name, value) -> {
			if (this.sealedFields.contains(name)) {
				decoded.put(name, value);
			}
		});
		return decoded;
	}

	private static byte[] boundTo(Map<String, String> fields) {
		String bound = fields.get(BOUND_TO);
		return (bound != null) ? bound.getBytes(StandardCharsets.UTF_8) : new byte[0];
	}

	@Override
	public String toString() {
		return "EncryptingStreamPayloadCodec[sealed=" + this.sealedFields + "]";
	}

}
