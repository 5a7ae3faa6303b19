package dev.llmcache.key;

import java.lang.reflect.Type;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.content.MediaContent;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * The canonical forms of Spring AI values (prompts, messages, media, chat options, tools), one
 * concern of the canonical form, written through the {@link CanonicalValueWriter} it belongs to.
 *
 * <p>Not thread-safe: one per writer.
 */
final class SpringAiForms {

	private static final JsonMapper SCHEMA_MAPPER = JsonMapper.builder().build();

	// Tool schemas are the same few strings on every call; parsing them each time would dominate.
	// Bounded by count: a schema is small, and an application has few of them.
	private static final Cache<String, byte[]> SCHEMAS = Caffeine.newBuilder()
		.maximumSize(1024)
		.executor(Runnable::run)
		.build();

	private final CanonicalValueWriter writer;

	private final CanonicalJsonWriter json;

	SpringAiForms(CanonicalValueWriter writer, CanonicalJsonWriter json) {
		this.writer = writer;
		this.json = json;
	}

	/**
	 * {@code {"@type":"prompt","messages":[...],"options":...}}.
	 */
	void writePrompt(Prompt prompt, int depth) {
		CanonicalValueWriter.enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		json.name("@type");
		json.stringValue("prompt");
		json.name("messages");
		try {
			this.writer.writeList(prompt.getInstructions(), depth + 1);
		}
		catch (Unkeyable ex) {
			throw ex.at(".messages");
		}
		json.name("options");
		ChatOptions options = prompt.getOptions();
		if (options != null) {
			try {
				writeOptions(options, ValueType.of(options.getClass()), depth + 1, ChatOptions.class);
			}
			catch (Unkeyable ex) {
				throw ex.at(".options");
			}
		}
		else {
			json.nullValue();
		}
		json.endObject();
	}

	/**
	 * {@code {"media":[...],"responses":[...],"role":...,"text":...,"toolCalls":[...]}}, where the
	 * lists appear only when not empty and a missing text is written as {@code ""}. Metadata never
	 * reaches the model, so it is left out.
	 */
	void writeMessage(Message message, int depth) {
		CanonicalValueWriter.enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		if (message instanceof MediaContent content) {
			List<Media> media = content.getMedia();
			if (media != null && !media.isEmpty()) {
				json.name("media");
				try {
					this.writer.writeList(media, depth + 1);
				}
				catch (Unkeyable ex) {
					throw ex.at(".media");
				}
			}
		}
		if (message instanceof ToolResponseMessage toolResponses && !toolResponses.getResponses().isEmpty()) {
			json.name("responses");
			json.beginArray();
			for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
				json.beginObject();
				json.name("id");
				nullableString(response.id());
				json.name("name");
				nullableString(response.name());
				json.name("responseData");
				nullableString(response.responseData());
				json.endObject();
			}
			json.endArray();
		}
		json.name("role");
		json.stringValue(message.getMessageType().getValue());
		json.name("text");
		String text = message.getText();
		// Providers send an assistant turn with only tool calls as null or "" content alike.
		json.stringValue((text != null) ? this.writer.prompt(text) : "");
		if (message instanceof AssistantMessage assistant && assistant.hasToolCalls()) {
			json.name("toolCalls");
			json.beginArray();
			for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
				json.beginObject();
				json.name("arguments");
				nullableString(call.arguments());
				json.name("id");
				nullableString(call.id());
				json.name("name");
				nullableString(call.name());
				json.name("type");
				nullableString(call.type());
				json.endObject();
			}
			json.endArray();
		}
		json.endObject();
	}

	private void nullableString(@Nullable String value) {
		this.writer.nullableString(value);
	}

	/**
	 * {@code {"mime":...,"sha256":...}}: the content by its digest, so that an image does not have
	 * to be hashed twice through the JSON escaper. The name is left out: by default it is random.
	 */
	void writeMedia(Media media, int depth) {
		CanonicalValueWriter.enter(depth);
		Object data = media.getData();
		MessageDigest digest = CanonicalValueWriter.newDigest();
		if (data instanceof byte[] bytes) {
			digest.update(bytes);
		}
		else if (data instanceof String text) {
			digest.update(text.getBytes(StandardCharsets.UTF_8));
		}
		else if (data instanceof URL url) {
			digest.update(url.toExternalForm().getBytes(StandardCharsets.UTF_8));
		}
		else {
			throw new Unkeyable("is media data of an unknown kind; media must hold a byte[], a String or a URL",
					data.getClass());
		}
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		json.name("mime");
		json.stringValue(ValueType.mimeType(media.getMimeType()));
		json.name("sha256");
		json.stringValue(CanonicalValueWriter.hex(digest.digest()));
		json.endObject();
	}

	/**
	 * Every readable property but the {@linkplain ValueType#TRANSPORT_ONLY_OPTIONS transport-only}
	 * ones, in name order, after the options class where the declared type does not fix it. Null
	 * and empty values are left out, so that options from different builders that ask for the
	 * same thing are the same. A tool context that is not empty makes the call uncacheable.
	 */
	void writeOptions(ChatOptions options, ValueType type, int depth, @Nullable Type declared) {
		CanonicalValueWriter.enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		String typeName = CanonicalValueWriter.runtimeTypeName(options.getClass(), declared);
		if (typeName != null) {
			json.name("@type");
			json.stringValue(typeName);
		}
		for (ValueType.Property property : type.properties()) {
			Object value = property.read(options);
			if (value == null || (value instanceof Collection<?> collection && collection.isEmpty())
					|| (value instanceof Map<?, ?> map && map.isEmpty())) {
				continue;
			}
			String name = property.name();
			if (name.equals(ValueType.TOOL_CONTEXT)) {
				throw Unkeyable.uncacheable("the chat option toolContext holds application objects that decide what "
						+ "the tools return, which a key cannot make canonical").at("." + name);
			}
			json.name(name);
			try {
				if (name.equals("toolCallbacks") && value instanceof Collection<?> callbacks) {
					writeToolCallbacks(callbacks, depth + 1);
				}
				else if (name.equals("toolChoice") && !isCanonicalToolChoice(value)) {
					throw new Unkeyable("cannot be a canonical tool choice; set the tool choice as a String "
							+ "(\"auto\", \"none\", \"required\" or its JSON)", value.getClass());
				}
				else {
					this.writer.writeValue(value, depth + 1, property.type());
				}
			}
			catch (Unkeyable ex) {
				// A provider SDK object the key cannot read: the call is valid, only not cacheable.
				throw ex.asUncacheableOption(name).at("." + name);
			}
		}
		json.endObject();
	}

	// An SDK union type exposes only which variant it is as properties, not the tool it names:
	// walking it would give two different choices the same key.
	private static boolean isCanonicalToolChoice(Object value) {
		Class<?> type = value.getClass();
		return value instanceof CharSequence || value instanceof Map || value instanceof Enum || type.isRecord()
				|| value instanceof JsonNode;
	}

	/**
	 * Tool definitions sorted by name: the model sees a set of tools, whatever order they were
	 * registered in.
	 */
	private void writeToolCallbacks(Collection<?> callbacks, int depth) {
		CanonicalValueWriter.enter(depth);
		List<ToolDefinition> definitions = new ArrayList<>(callbacks.size());
		for (Object callback : callbacks) {
			if (callback instanceof ToolCallback toolCallback) {
				definitions.add(toolCallback.getToolDefinition());
			}
			else {
				throw new Unkeyable("is not a ToolCallback", (callback != null) ? callback.getClass() : Object.class);
			}
		}
		definitions.sort(Comparator.comparing(ToolDefinition::name, Comparator.nullsFirst(Comparator.naturalOrder())));
		this.json.beginArray();
		for (ToolDefinition definition : definitions) {
			writeToolDefinition(definition, depth + 1);
		}
		this.json.endArray();
	}

	/**
	 * {@code {"description":...,"inputSchema":...,"name":...}}, with the input schema as canonical
	 * JSON: generated schemas do not promise an order of their members.
	 */
	void writeToolDefinition(ToolDefinition definition, int depth) {
		CanonicalValueWriter.enter(depth);
		CanonicalJsonWriter json = this.json;
		json.beginObject();
		json.name("description");
		nullableString(definition.description());
		json.name("inputSchema");
		String schema = definition.inputSchema();
		if (schema != null) {
			json.rawValue(canonicalSchema(schema));
		}
		else {
			json.nullValue();
		}
		json.name("name");
		nullableString(definition.name());
		json.endObject();
	}

	private static byte[] canonicalSchema(String schema) {
		return SCHEMAS.get(schema, SpringAiForms::renderSchema);
	}

	private static byte[] renderSchema(String schema) {
		CanonicalJsonWriter.ByteArraySink sink = new CanonicalJsonWriter.ByteArraySink();
		CanonicalJsonWriter json = new CanonicalJsonWriter(sink);
		CanonicalValueWriter writer = new CanonicalValueWriter(json, null);
		JsonNode node;
		try {
			node = SCHEMA_MAPPER.readTree(schema);
		}
		catch (RuntimeException ex) {
			node = null;
		}
		try {
			if (node != null) {
				writer.writeJson(node, 1);
			}
			else {
				json.stringValue(schema);
			}
		}
		catch (Unkeyable ex) {
			// Deeper than any real schema: keep the text as it is, which is still a stable key.
			sink = new CanonicalJsonWriter.ByteArraySink();
			json = new CanonicalJsonWriter(sink);
			json.stringValue(schema);
		}
		json.flush();
		return sink.toByteArray();
	}

}
