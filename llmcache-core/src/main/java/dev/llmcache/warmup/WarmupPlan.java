package dev.llmcache.warmup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a warm-up is to do: its entries, and the lines that could not be read (reported as
 * failures, never stopping the others).
 *
 * <p>A JSON-lines source holds one object per line, either a full call
 * {@code {"bean":"assistant","method":"answer","args":["acme","How do I reset my password?"]}} or
 * a prompt {@code {"prompt":"How do I reset my password?"}} for the default bean and method (a
 * method taking the prompt as its only argument). Blank lines and lines starting with {@code #}
 * or {@code //} are ignored.
 *
 * @param entries the calls to make
 * @param invalid entries that cannot be made
 */
public record WarmupPlan(List<WarmupEntry> entries, List<WarmupFailure> invalid) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public WarmupPlan {
		entries = List.copyOf(entries);
		invalid = List.copyOf(invalid);
	}

	public int size() {
		return this.entries.size() + this.invalid.size();
	}

	public WarmupPlan plus(WarmupPlan other) {
		List<WarmupEntry> allEntries = new ArrayList<>(this.entries);
		allEntries.addAll(other.entries);
		List<WarmupFailure> allInvalid = new ArrayList<>(this.invalid);
		allInvalid.addAll(other.invalid);
		return new WarmupPlan(allEntries, allInvalid);
	}

	/**
	 * Read JSON lines.
	 * @param name the name of the source, used in reports
	 * @param defaultBean the bean of lines giving only a prompt, or null if there is none
	 * @param defaultMethod the method of lines giving only a prompt, or null if there is none
	 * @throws IOException if the source cannot be read at all
	 */
	public static WarmupPlan fromJsonLines(Reader source, String name, @Nullable String defaultBean,
			@Nullable String defaultMethod) throws IOException {
		List<WarmupEntry> entries = new ArrayList<>();
		List<WarmupFailure> invalid = new ArrayList<>();
		BufferedReader reader = new BufferedReader(source);
		int number = 0;
		for (String line = reader.readLine(); line != null; line = reader.readLine()) {
			number++;
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("//")) {
				continue;
			}
			String where = name + ":" + number;
			try {
				entries.add(entry(JSON.readTree(trimmed), where, defaultBean, defaultMethod));
			}
			catch (JacksonException ex) {
				invalid.add(new WarmupFailure(where, "not a JSON object: " + ex.getOriginalMessage()));
			}
			catch (IllegalArgumentException ex) {
				invalid.add(new WarmupFailure(where, ex.getMessage()));
			}
		}
		return new WarmupPlan(entries, invalid);
	}

	/** Prompts for the default bean and method. */
	public static WarmupPlan fromPrompts(List<String> prompts, String name, @Nullable String defaultBean,
			@Nullable String defaultMethod) {
		List<WarmupEntry> entries = new ArrayList<>();
		List<WarmupFailure> invalid = new ArrayList<>();
		for (int i = 0; i < prompts.size(); i++) {
			String where = name + "[" + i + "]";
			if (defaultBean == null || defaultMethod == null) {
				invalid.add(new WarmupFailure(where, "a prompt needs llmcache.warmup.bean and llmcache.warmup.method"));
			}
			else {
				entries.add(new WarmupEntry(where, defaultBean, defaultMethod, List.of(prompts.get(i))));
			}
		}
		return new WarmupPlan(entries, invalid);
	}

	private static WarmupEntry entry(JsonNode node, String where, @Nullable String defaultBean,
			@Nullable String defaultMethod) {
		if (!node.isObject()) {
			throw new IllegalArgumentException("not a JSON object");
		}
		if (node.has("prompt")) {
			if (defaultBean == null || defaultMethod == null) {
				throw new IllegalArgumentException("a prompt needs llmcache.warmup.bean and llmcache.warmup.method");
			}
			if (!node.get("prompt").isString()) {
				throw new IllegalArgumentException("\"prompt\" must be a string");
			}
			return new WarmupEntry(where, defaultBean, defaultMethod, List.of(node.get("prompt").stringValue()));
		}
		String bean = text(node, "bean");
		String method = text(node, "method");
		JsonNode args = node.path("args");
		if (!args.isMissingNode() && !args.isArray()) {
			throw new IllegalArgumentException("\"args\" must be an array");
		}
		List<?> values = args.isArray() ? JSON.treeToValue(args, List.class) : List.of();
		return new WarmupEntry(where, bean, method, values);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString() || value.stringValue().isBlank()) {
			throw new IllegalArgumentException("\"" + field + "\" is missing (or give a \"prompt\")");
		}
		return value.stringValue();
	}

}
