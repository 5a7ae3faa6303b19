package dev.llmcache.codec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import dev.llmcache.key.CacheKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptingLlmCacheSerializerTests {

	private static final ValueType STRING = ValueType.of(String.class);

	private static final String KEY_1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

	private static final String KEY_2 = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

	private static final CacheKey KEY_A = new CacheKey("ns", "alice", "a".repeat(64));

	private static final CacheKey KEY_B = new CacheKey("ns", "bob", "b".repeat(64));

	private final CachedValue entry = new CachedValue("Alice's diagnosis", null, TokenUsage.UNKNOWN, 0, 1000, 0, 0);

	@Test
	void roundTripsAndHidesThePayload() {
		EncryptingLlmCacheSerializer serializer = serializer(Map.of("k1", KEY_1), "k1");
		byte[] stored = serializer.serialize(this.entry, STRING, KEY_A);
		assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("diagnosis").contains("\"kid\":\"k1\"");
		assertThat(serializer.deserialize(stored, STRING, KEY_A).value()).isEqualTo("Alice's diagnosis");
	}

	@Test
	void bytesCopiedUnderAnotherKeyFailAuthentication() {
		EncryptingLlmCacheSerializer serializer = serializer(Map.of("k1", KEY_1), "k1");
		byte[] stored = serializer.serialize(this.entry, STRING, KEY_A);
		assertThatThrownBy(() -> serializer.deserialize(stored, STRING, KEY_B))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("failed authentication");
	}

	@Test
	void tamperedCiphertextFailsAuthentication() {
		EncryptingLlmCacheSerializer serializer = serializer(Map.of("k1", KEY_1), "k1");
		String stored = new String(serializer.serialize(this.entry, STRING, KEY_A), StandardCharsets.UTF_8);
		int at = stored.indexOf("\"ct\":\"") + 8;
		char flipped = (stored.charAt(at) == 'A') ? 'B' : 'A';
		byte[] tampered = (stored.substring(0, at) + flipped + stored.substring(at + 1)).getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> serializer.deserialize(tampered, STRING, KEY_A))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("failed authentication");
	}

	@Test
	void keysRotateByKeyIdWithoutAFlush() {
		byte[] old = serializer(Map.of("k1", KEY_1), "k1").serialize(this.entry, STRING, KEY_A);
		EncryptingLlmCacheSerializer rotated = serializer(Map.of("k1", KEY_1, "k2", KEY_2), "k2");
		assertThat(rotated.deserialize(old, STRING, KEY_A).value()).isEqualTo("Alice's diagnosis");
		assertThat(new String(rotated.serialize(this.entry, STRING, KEY_A), StandardCharsets.UTF_8))
			.contains("\"kid\":\"k2\"");
		EncryptingLlmCacheSerializer retired = serializer(Map.of("k2", KEY_2), "k2");
		assertThatThrownBy(() -> retired.deserialize(old, STRING, KEY_A)).isInstanceOf(UndecodableEntryException.class)
			.hasMessage("encrypted with unknown key id 'k1'");
	}

	@Test
	void plaintextEnvelopesAreNotAccepted() {
		byte[] plain = new JsonLlmCacheSerializer().serialize(this.entry, STRING);
		assertThatThrownBy(() -> serializer(Map.of("k1", KEY_1), "k1").deserialize(plain, STRING, KEY_A))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("not an encrypted envelope of version 1");
	}

	@Test
	void badKeyConfigurationIsAClearError() {
		assertThatIllegalArgumentException().isThrownBy(() -> serializer(Map.of("k1", "c2hvcnQ="), "k1"))
			.withMessage("llmcache.encryption.keys.k1 must be 32 bytes (256 bits), got 5");
		assertThatIllegalArgumentException().isThrownBy(() -> serializer(Map.of("k1", KEY_1), "k9"))
			.withMessage("llmcache.encryption.active-key-id 'k9' is not among llmcache.encryption.keys [k1]");
	}

	private static EncryptingLlmCacheSerializer serializer(Map<String, String> keys, String active) {
		return new EncryptingLlmCacheSerializer(new JsonLlmCacheSerializer(), keys, active);
	}

}
