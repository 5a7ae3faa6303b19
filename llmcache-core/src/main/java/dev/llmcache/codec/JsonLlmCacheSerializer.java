package dev.llmcache.codec;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The default {@link LlmCacheSerializer}: a versioned JSON envelope written with Jackson 3, the
 * Jackson that Spring Boot 4 and Spring AI's core use.
 *
 * <p>Envelope, format version 1:
 * <pre>{"v":1,"type":"string|chat-response|json","valueType":"java.util.List&lt;com.example.Faq&gt;",
 *  "createdAt":..,"expiresAt":..,"ttl":..,"gen":..,"model":..,"usage":{"in":..,"out":..},"payload":..}</pre>
 * A {@code ChatResponse} is written in a neutral form of our own (generations with text, finish
 * reason and tool calls; id, model and usage) rather than as the provider's object graph, so entries
 * survive Spring AI upgrades. Thread-safe.
 */
public class JsonLlmCacheSerializer implements LlmCacheSerializer {

	/** The envelope format this class writes and the only one it reads. */
	public static final int FORMAT_VERSION = 1;

	private final JsonMapper mapper;

	// Reads one value inside the envelope: the envelope's own tokens follow it.
	private final ObjectReader fieldReader;

	/**
	 * Reads strictly: a stored value with a property the type no longer has, or without one its
	 * constructor now needs, was written for another version of the type and is a miss.
	 */
	public JsonLlmCacheSerializer() {
		this(JsonMapper.builder()
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build());
	}

	/**
	 * @param mapper the mapper used for {@link ValueKind#JSON} payloads (for example the
	 * application's, to honour its modules)
	 */
	public JsonLlmCacheSerializer(JsonMapper mapper) {
		this.mapper = mapper;
		this.fieldReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	@Override
	public byte[] serialize(CachedValue entry, ValueType type) {
		ObjectNode root = this.mapper.createObjectNode();
		root.put("v", FORMAT_VERSION);
		root.put("type", type.kind().storedName());
		root.put("valueType", type.storedName());
		root.put("createdAt", entry.createdAt());
		root.put("expiresAt", entry.expiresAt());
		root.put("ttl", entry.expiresAt() - entry.createdAt());
		root.put("gen", entry.generation());
		if (entry.model() != null) {
			root.put("model", entry.model());
		}
		ObjectNode usage = root.putObject("usage");
		usage.put("in", entry.usage().inputTokens());
		usage.put("out", entry.usage().outputTokens());
		root.set("payload", writePayload(entry.value(), type));
		return this.mapper.writeValueAsBytes(root);
	}

	/**
	 * Reads the envelope as a stream of tokens, so that a hit decodes its payload once, straight into
	 * its value, without building a tree of the whole entry first. A payload met before the fields
	 * that say what it is (another writer's order) is read as a tree and decoded at the end.
	 */
	@Override
	public CachedValue deserialize(byte[] bytes, ValueType type) {
		Envelope envelope = new Envelope();
		try (JsonParser parser = this.mapper.createParser(bytes)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw notAnEnvelope(bytes, null);
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (name) {
					case "v" -> envelope.version = checkVersion(parser, value);
					case "type" -> envelope.kind = stringOrNull(parser, value);
					case "valueType" -> envelope.valueType = stringOrNull(parser, value);
					case "createdAt" -> envelope.createdAt = longOrNull(parser, value);
					case "expiresAt" -> envelope.expiresAt = longOrNull(parser, value);
					case "gen" -> envelope.generation = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : 0;
					case "model" -> envelope.model = stringOrNull(parser, value);
					case "usage" -> readUsage(parser, value, envelope);
					case "payload" -> readPayloadField(parser, value, type, envelope);
					default -> parser.skipChildren();
				}
			}
			if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
				throw notAnEnvelope(bytes, null);
			}
		}
		catch (StreamReadException ex) {
			throw notAnEnvelope(bytes, ex);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new UndecodableEntryException("payload does not fit " + type.storedName(), ex);
		}
		if (envelope.version == null) {
			throw new UndecodableEntryException("unknown envelope format version null");
		}
		checkType(envelope, type);
		Object value = envelope.value;
		if (value == null) {
			if (envelope.bufferedPayload == null || envelope.bufferedPayload.isNull()) {
				throw new UndecodableEntryException("envelope has no payload");
			}
			try (JsonParser tokens = this.mapper.treeAsTokens(envelope.bufferedPayload)) {
				value = decodePayload(tokens, tokens.nextToken(), type);
			}
			catch (JacksonException | IllegalArgumentException ex) {
				throw new UndecodableEntryException("payload does not fit " + type.storedName(), ex);
			}
		}
		return new CachedValue(value, envelope.model, new TokenUsage(envelope.inputTokens, envelope.outputTokens),
				required(envelope.createdAt, "createdAt"), required(envelope.expiresAt, "expiresAt"),
				envelope.generation, bytes.length);
	}

	private void readPayloadField(JsonParser parser, JsonToken token, ValueType type, Envelope envelope) {
		if (envelope.version == null || envelope.kind == null || envelope.valueType == null) {
			envelope.bufferedPayload = this.fieldReader.readTree(parser);
			return;
		}
		checkType(envelope, type);
		if (token == JsonToken.VALUE_NULL) {
			throw new UndecodableEntryException("envelope has no payload");
		}
		envelope.value = decodePayload(parser, token, type);
	}

	/** The payload the parser is at (its current token given), decoded as the type it was stored for. */
	private Object decodePayload(JsonParser parser, JsonToken token, ValueType type) {
		return switch (type.kind()) {
			case STRING -> {
				if (token != JsonToken.VALUE_STRING) {
					throw new UndecodableEntryException("payload is not a string");
				}
				yield parser.getString();
			}
			case CHAT_RESPONSE -> readChatResponse(this.fieldReader.readTree(parser));
			case JSON -> {
				Object value = this.fieldReader.forType(this.mapper.getTypeFactory().constructType(type.genericType()))
					.readValue(parser);
				if (value == null) {
					throw new UndecodableEntryException("payload decodes to null");
				}
				yield value;
			}
		};
	}

	private static Integer checkVersion(JsonParser parser, JsonToken token) {
		if (token != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != FORMAT_VERSION) {
			throw new UndecodableEntryException("unknown envelope format version " + parser.getString());
		}
		return FORMAT_VERSION;
	}

	private static void checkType(Envelope envelope, ValueType type) {
		String kind = required(envelope.kind, "type");
		String valueType = required(envelope.valueType, "valueType");
		if (!type.kind().storedName().equals(kind) || !type.storedName().equals(valueType)) {
			throw new UndecodableEntryException(
					"stored " + kind + " value of type " + valueType + " does not fit " + type.storedName());
		}
	}

	private static void readUsage(JsonParser parser, JsonToken token, Envelope envelope) {
		if (token != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return;
		}
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			long count = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : 0;
			if ("in".equals(name)) {
				envelope.inputTokens = count;
			}
			else if ("out".equals(name)) {
				envelope.outputTokens = count;
			}
			else {
				parser.skipChildren();
			}
		}
	}

	private static @Nullable String stringOrNull(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		parser.skipChildren();
		return null;
	}

	private static @Nullable Long longOrNull(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_NUMBER_INT) {
			return parser.getLongValue();
		}
		parser.skipChildren();
		return null;
	}

	private static <T> T required(@Nullable T value, String name) {
		if (value == null) {
			throw new UndecodableEntryException("envelope field '" + name + "' is missing");
		}
		return value;
	}

	private static UndecodableEntryException notAnEnvelope(byte[] bytes, @Nullable Exception cause) {
		return new UndecodableEntryException("not a JSON envelope (" + bytes.length + " bytes)", cause);
	}

	/** The fields of one envelope as they are read. */
	private static final class Envelope {

		@Nullable Integer version;

		@Nullable String kind;

		@Nullable String valueType;

		@Nullable Long createdAt;

		@Nullable Long expiresAt;

		long generation;

		@Nullable String model;

		long inputTokens;

		long outputTokens;

		@Nullable Object value;

		@Nullable JsonNode bufferedPayload;

	}

	private JsonNode writePayload(Object value, ValueType type) {
		return switch (type.kind()) {
			case STRING -> this.mapper.getNodeFactory().stringNode((String) value);
			case CHAT_RESPONSE -> writeChatResponse((ChatResponse) value);
			case JSON -> this.mapper.valueToTree(value);
		};
	}

	private ObjectNode writeChatResponse(ChatResponse response) {
		ObjectNode node = this.mapper.createObjectNode();
		ChatResponseMetadata metadata = response.getMetadata();
		putIfText(node, "id", metadata.getId());
		putIfText(node, "model", metadata.getModel());
		Usage usage = metadata.getUsage();
		if (usage != null) {
			ObjectNode usageNode = node.putObject("usage");
			putIfNotNull(usageNode, "promptTokens", usage.getPromptTokens());
			putIfNotNull(usageNode, "completionTokens", usage.getCompletionTokens());
			putIfNotNull(usageNode, "totalTokens", usage.getTotalTokens());
		}
		ArrayNode generations = node.putArray("generations");
		for (Generation generation : response.getResults()) {
			ObjectNode gen = generations.addObject();
			AssistantMessage output = generation.getOutput();
			if (output.getText() != null) {
				gen.put("text", output.getText());
			}
			putIfText(gen, "finishReason", generation.getMetadata().getFinishReason());
			if (output.hasToolCalls()) {
				ArrayNode calls = gen.putArray("toolCalls");
				for (AssistantMessage.ToolCall call : output.getToolCalls()) {
					ObjectNode c = calls.addObject();
					c.put("id", call.id());
					c.put("type", call.type());
					c.put("name", call.name());
					c.put("arguments", call.arguments());
				}
			}
		}
		return node;
	}

	private ChatResponse readChatResponse(JsonNode node) {
		JsonNode generationsNode = node.get("generations");
		if (generationsNode == null || !generationsNode.isArray()) {
			throw new UndecodableEntryException("chat response payload has no generations");
		}
		List<Generation> generations = new ArrayList<>();
		for (JsonNode gen : generationsNode) {
			List<AssistantMessage.ToolCall> calls = new ArrayList<>();
			for (JsonNode c : gen.path("toolCalls")) {
				calls.add(new AssistantMessage.ToolCall(text(c, "id"), text(c, "type"), text(c, "name"),
						text(c, "arguments")));
			}
			AssistantMessage message = AssistantMessage.builder()
				.content(textOrNull(gen, "text"))
				.toolCalls(calls)
				.build();
			ChatGenerationMetadata metadata = ChatGenerationMetadata.builder()
				.finishReason(textOrNull(gen, "finishReason"))
				.build();
			generations.add(new Generation(message, metadata));
		}
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder();
		String id = textOrNull(node, "id");
		if (id != null) {
			metadata.id(id);
		}
		String model = textOrNull(node, "model");
		if (model != null) {
			metadata.model(model);
		}
		JsonNode usage = node.get("usage");
		if (usage != null && usage.isObject()) {
			metadata.usage(new DefaultUsage(intOrNull(usage, "promptTokens"), intOrNull(usage, "completionTokens"),
					intOrNull(usage, "totalTokens")));
		}
		return new ChatResponse(generations, metadata.build());
	}

	private static void putIfText(ObjectNode node, String name, @Nullable String value) {
		if (value != null && !value.isEmpty()) {
			node.put(name, value);
		}
	}

	private static void putIfNotNull(ObjectNode node, String name, @Nullable Integer value) {
		if (value != null) {
			node.put(name, value);
		}
	}

	private static String text(JsonNode node, String name) {
		String value = textOrNull(node, name);
		if (value == null) {
			throw new UndecodableEntryException("envelope field '" + name + "' is missing");
		}
		return value;
	}

	private static @Nullable String textOrNull(JsonNode node, String name) {
		JsonNode value = node.get(name);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	private static @Nullable Integer intOrNull(JsonNode node, String name) {
		JsonNode value = node.get(name);
		return (value != null && value.isIntegralNumber()) ? value.intValue() : null;
	}

}
