package dev.llmcache.codec;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EncryptingStreamPayloadCodecTests {

	private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);

	private static final String K2 = Base64.getEncoder().encodeToString(filled(32, (byte) 7));

	private final EncryptingStreamPayloadCodec codec = new EncryptingStreamPayloadCodec(Map.of("k1", K1), "k1",
			Set.of("p", "t", "v"));

	@Test
	void thePromptDerivedFieldsAreSealedAndTheRestStaysReadable() {
		Map<String, String> written = this.codec.encode(entry());
		assertThat(written).containsOnlyKeys("i", "b", "ns", "h", "x", "e");
		assertThat(written.toString()).doesNotContain("tenant-7", "Zanzibar", "AAAAPw==");
		assertThat(this.codec.decode(written)).isEqualTo(entry());
	}

	@Test
	void aPayloadMovedToAnotherEntryDoesNotOpen() {
		Map<String, String> written = new HashMap<>(this.codec.encode(entry()));
		written.put("h", "another-entry");
		assertThatExceptionOfType(UndecodableEntryException.class).isThrownBy(() -> this.codec.decode(written))
			.withMessageContaining("failed authentication");
	}

	@Test
	void anEntryWrittenInClearIsNotTakenByAnEncryptingReader() {
		assertThatExceptionOfType(UndecodableEntryException.class).isThrownBy(() -> this.codec.decode(entry()))
			.withMessage("a semantic stream entry without an encrypted payload");
	}

	@Test
	void keysRotate() {
		Map<String, String> written = this.codec.encode(entry());
		EncryptingStreamPayloadCodec rotated = new EncryptingStreamPayloadCodec(Map.of("k1", K1, "k2", K2), "k2",
				Set.of("p", "t", "v"));
		assertThat(rotated.decode(written)).isEqualTo(entry());
		EncryptingStreamPayloadCodec retired = new EncryptingStreamPayloadCodec(Map.of("k2", K2), "k2",
				Set.of("p", "t", "v"));
		assertThatExceptionOfType(UndecodableEntryException.class).isThrownBy(() -> retired.decode(written))
			.withMessage("encrypted with unknown key id 'k1'");
	}

	private static Map<String, String> entry() {
		Map<String, String> fields = new HashMap<>();
		fields.put("i", "instance-1");
		fields.put("b", "bucket-hash");
		fields.put("ns", "orders");
		fields.put("p", "tenant-7");
		fields.put("h", "entry-hash");
		fields.put("t", "How far is Zanzibar?");
		fields.put("x", "1700000000000");
		fields.put("v", "AAAAPw==");
		return fields;
	}

	private static byte[] filled(int length, byte value) {
		byte[] bytes = new byte[length];
		java.util.Arrays.fill(bytes, value);
		return bytes;
	}

}
