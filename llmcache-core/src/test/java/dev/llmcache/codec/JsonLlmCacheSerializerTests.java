package dev.llmcache.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLlmCacheSerializerTests {

	private final JsonLlmCacheSerializer serializer = new JsonLlmCacheSerializer();

	private static final ValueType STRING = ValueType.of(String.class);

	@Test
	void stringRoundTripKeepsEverything() {
		CachedValue entry = new CachedValue("Paris", "gpt-4o-mini", new TokenUsage(12, 3), 1_000, 61_000, 4, 0);
		byte[] bytes = this.serializer.serialize(entry, STRING);
		CachedValue back = this.serializer.deserialize(bytes, STRING);
		assertThat(back).isEqualTo(new CachedValue("Paris", "gpt-4o-mini", new TokenUsage(12, 3), 1_000, 61_000, 4,
				bytes.length));
	}

	@Test
	void envelopeCarriesVersionTypeTtlAndUsage() {
		CachedValue entry = new CachedValue("Paris", "gpt-4o-mini", new TokenUsage(12, 3), 1_000, 61_000, 0, 0);
		String json = new String(this.serializer.serialize(entry, STRING), StandardCharsets.UTF_8);
		assertThat(json).contains("\"v\":1", "\"type\":\"string\"", "\"valueType\":\"java.lang.String\"",
				"\"createdAt\":1000", "\"ttl\":60000", "\"model\":\"gpt-4o-mini\"", "\"in\":12", "\"out\":3",
				"\"payload\":\"Paris\"");
	}

	@Test
	void chatResponseRoundTripKeepsTextFinishReasonToolCallsAndUsage() {
		AssistantMessage message = AssistantMessage.builder()
			.content("It is sunny.")
			.toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "weather", "{\"city\":\"Paris\"}")))
			.build();
		ChatResponse response = new ChatResponse(
				List.of(new Generation(message, ChatGenerationMetadata.builder().finishReason("STOP").build())),
				ChatResponseMetadata.builder().id("chatcmpl-1").model("gpt-4o-mini").usage(new DefaultUsage(20, 5)).build());
		ValueType type = ValueType.of(ChatResponse.class);
		byte[] bytes = this.serializer.serialize(new CachedValue(response, null, TokenUsage.UNKNOWN, 0, 1000, 0, 0), type);
		ChatResponse back = (ChatResponse) this.serializer.deserialize(bytes, type).value();
		assertThat(back.getResult().getOutput().getText()).isEqualTo("It is sunny.");
		assertThat(back.getResult().getOutput().getToolCalls()).containsExactly(
				new AssistantMessage.ToolCall("call_1", "function", "weather", "{\"city\":\"Paris\"}"));
		assertThat(back.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
		assertThat(back.getMetadata().getId()).isEqualTo("chatcmpl-1");
		assertThat(back.getMetadata().getModel()).isEqualTo("gpt-4o-mini");
		assertThat(back.getMetadata().getUsage().getPromptTokens()).isEqualTo(20);
		assertThat(back.getMetadata().getUsage().getCompletionTokens()).isEqualTo(5);
		assertThat(back.getMetadata().getUsage().getTotalTokens()).isEqualTo(25);
	}

	record Faq(String question, List<String> answers) {
	}

	@Test
	void genericJsonTypesRoundTripWithTheirDeclaredType() {
		ValueType type = ValueType.of(new ParameterizedTypeReference<List<Faq>>() {
		}.getType());
		List<Faq> value = List.of(new Faq("q1", List.of("a", "b")), new Faq("q2", List.of()));
		byte[] bytes = this.serializer.serialize(new CachedValue(value, null, TokenUsage.UNKNOWN, 0, 1000, 0, 0), type);
		assertThat(this.serializer.deserialize(bytes, type).value()).isEqualTo(value);
		assertThat(new String(bytes, StandardCharsets.UTF_8))
			.contains("\"valueType\":\"java.util.List<dev.llmcache.codec.JsonLlmCacheSerializerTests$Faq>\"");
	}

	@Test
	void anEnvelopeWrittenInAnotherFieldOrderReadsTheSame() {
		byte[] reordered = ("{\"payload\":\"Paris\",\"usage\":{\"out\":3,\"in\":12},\"gen\":4,\"expiresAt\":61000,"
				+ "\"createdAt\":1000,\"model\":\"gpt-4o-mini\",\"valueType\":\"java.lang.String\",\"type\":\"string\","
				+ "\"future\":{\"nested\":[1,2]},\"v\":1}").getBytes(StandardCharsets.UTF_8);
		assertThat(this.serializer.deserialize(reordered, STRING)).isEqualTo(
				new CachedValue("Paris", "gpt-4o-mini", new TokenUsage(12, 3), 1_000, 61_000, 4, reordered.length));
	}

	@Test
	void trailingContentIsNotAnEnvelope() {
		byte[] bytes = this.serializer.serialize(new CachedValue("Paris", null, TokenUsage.UNKNOWN, 0, 1000, 0, 0),
				STRING);
		byte[] trailing = (new String(bytes, StandardCharsets.UTF_8) + "{}").getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.serializer.deserialize(trailing, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("not a JSON envelope (" + trailing.length + " bytes)");
	}

	@Test
	void anEnvelopeWithoutAVersionIsUndecodable() {
		byte[] bytes = "{\"type\":\"string\",\"valueType\":\"java.lang.String\",\"payload\":\"x\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.serializer.deserialize(bytes, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("unknown envelope format version null");
	}

	@Test
	void anEnvelopeWithoutItsCreationTimeIsUndecodable() {
		byte[] bytes = "{\"v\":1,\"type\":\"string\",\"valueType\":\"java.lang.String\",\"expiresAt\":5,\"payload\":\"x\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.serializer.deserialize(bytes, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("envelope field 'createdAt' is missing");
	}

	@Test
	void garbageIsUndecodable() {
		assertThatThrownBy(() -> this.serializer.deserialize("\u0000garbage".getBytes(StandardCharsets.UTF_8), STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("not a JSON envelope (8 bytes)");
	}

	@Test
	void truncatedBytesAreUndecodable() {
		byte[] bytes = this.serializer.serialize(new CachedValue("Paris", null, TokenUsage.UNKNOWN, 0, 1000, 0, 0),
				STRING);
		byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);
		assertThatThrownBy(() -> this.serializer.deserialize(truncated, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessageStartingWith("not a JSON envelope");
	}

	@Test
	void anotherFormatVersionIsUndecodable() {
		byte[] bytes = "{\"v\":2,\"type\":\"string\",\"valueType\":\"java.lang.String\",\"payload\":\"x\"}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.serializer.deserialize(bytes, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("unknown envelope format version 2");
	}

	@Test
	void aValueOfAnotherTypeNoLongerFits() {
		ValueType map = ValueType.of(new ParameterizedTypeReference<Map<String, Integer>>() {
		}.getType());
		byte[] bytes = this.serializer.serialize(new CachedValue(Map.of("a", 1), null, TokenUsage.UNKNOWN, 0, 1, 0, 0),
				map);
		assertThatThrownBy(() -> this.serializer.deserialize(bytes, STRING))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("stored json value of type java.util.Map<java.lang.String, java.lang.Integer> does not fit "
					+ "java.lang.String");
	}

	@Test
	void aPayloadThatDoesNotMatchItsDeclaredTypeIsUndecodable() {
		ValueType type = ValueType.of(Faq.class);
		byte[] forged = ("{\"v\":1,\"type\":\"json\",\"valueType\":\"" + type.storedName()
				+ "\",\"createdAt\":0,\"expiresAt\":1,\"payload\":{\"question\":{\"nested\":true},\"answers\":7}}")
			.getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.serializer.deserialize(forged, type))
			.isInstanceOf(UndecodableEntryException.class)
			.hasMessage("payload does not fit dev.llmcache.codec.JsonLlmCacheSerializerTests$Faq");
	}

}
