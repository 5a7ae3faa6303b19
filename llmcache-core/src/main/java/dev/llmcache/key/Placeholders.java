package dev.llmcache.key;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * The dynamic tokens (UUIDs, timestamps, application patterns) one caller's prompt held where the
 * key has numbered placeholders {@code ⟦1⟧}, {@code ⟦2⟧}..., in order of first appearance; and the
 * substitution that keeps a shared answer correct for every caller:
 * <ul>
 * <li>{@link #template(Object)} turns the caller's answer into the stored one, each of the
 * caller's tokens replaced by its placeholder (a literal {@code ⟦} escaped as {@code ⟦⟧});</li>
 * <li>{@link #restore(Object)} turns a stored answer into this caller's, each placeholder
 * replaced by this caller's token.</li>
 * </ul>
 * {@code restore(template(answer))} is {@code answer} for every text, so a miss returns the
 * model's answer unchanged, and a hit carries the new caller's ids, never another user's.
 *
 * <h2>Hook in the call path</h2>
 * For a call whose key has placeholders ({@link #isEmpty()} false), wrap the model invocation so
 * that what the cache stores and what coalesced callers share is the template, and restore
 * whatever the cache hands back:
 * <pre class="code">
 * Object result = placeholders.restore(engine.call(call, () -&gt; placeholders.template(invoker.invoke())));
 * </pre>
 * {@link #templateAsync(Object)} and {@link #restoreAsync(Object)} do the same for a
 * {@code CompletionStage} or {@code Mono} result. Streams are not substituted (a chunk may split a
 * token); such calls bypass the cache.
 *
 * <p>Substitution applies to {@code String} and {@code ChatResponse} results (the text of each
 * generation); {@link #supports(Class)} tells whether a result type can be substituted.
 *
 * <p>Immutable and thread-safe; the {@link Collector} is not.
 */
public final class Placeholders {

	/** No tokens: both directions return their argument. */
	public static final Placeholders NONE = new Placeholders(List.of());

	static final char OPEN = '\u27E6';

	static final char CLOSE = '\u27E7';

	private final List<String> tokens;

	// Longest first, so that a token that contains another is replaced whole.
	private final List<Integer> byLength;

	Placeholders(List<String> tokens) {
		this.tokens = List.copyOf(tokens);
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < this.tokens.size(); i++) {
			order.add(i);
		}
		order.sort(Comparator.comparingInt((Integer i) -> this.tokens.get(i).length()).reversed());
		this.byLength = List.copyOf(order);
	}

	/** The caller's tokens; token {@code n} (from 1) is the one placeholder {@code ⟦n⟧} stands for. */
	public List<String> tokens() {
		return this.tokens;
	}

	public boolean isEmpty() {
		return this.tokens.isEmpty();
	}

	/** Whether results of this type (or futures and monos of it) can be substituted. */
	public static boolean supports(Class<?> resultType) {
		return resultType == String.class || ChatResponse.class.isAssignableFrom(resultType);
	}

	/**
	 * The stored form of a caller's answer.
	 * @param value a {@code String} or {@code ChatResponse} (anything else is returned as is)
	 */
	public @Nullable Object template(@Nullable Object value) {
		if (isEmpty()) {
			return value;
		}
		if (value instanceof String text) {
			return templateText(text);
		}
		if (value instanceof ChatResponse response) {
			return mapTexts(response, this::templateText);
		}
		return value;
	}

	/**
	 * This caller's form of a stored answer.
	 * @param value a {@code String} or {@code ChatResponse} (anything else is returned as is)
	 */
	public @Nullable Object restore(@Nullable Object value) {
		if (isEmpty()) {
			return value;
		}
		if (value instanceof String text) {
			return restoreText(text);
		}
		if (value instanceof ChatResponse response) {
			return mapTexts(response, this::restoreText);
		}
		return value;
	}

	/** {@link #template(Object)} applied to the value of a {@code CompletionStage} or {@code Mono}. */
	public Object templateAsync(Object result) {
		return mapAsync(result, true);
	}

	/** {@link #restore(Object)} applied to the value of a {@code CompletionStage} or {@code Mono}. */
	public Object restoreAsync(Object result) {
		return mapAsync(result, false);
	}

	private Object mapAsync(Object result, boolean template) {
		if (isEmpty()) {
			return result;
		}
		if (result instanceof CompletionStage<?> stage) {
			return stage.thenApply(value -> template ? template(value) : restore(value)).toCompletableFuture();
		}
		if (result instanceof Mono<?> mono) {
			return mono.map(value -> template ? template(value) : restore(value));
		}
		return result;
	}

	String templateText(String text) {
		StringBuilder result = new StringBuilder(text.length());
		int length = text.length();
		outer: for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			for (int index : this.byLength) {
				String token = this.tokens.get(index);
				if (!token.isEmpty() && text.startsWith(token, i)) {
					result.append(OPEN).append(index + 1).append(CLOSE);
					i += token.length() - 1;
					continue outer;
				}
			}
			result.append(c);
			if (c == OPEN) {
				result.append(CLOSE);
			}
		}
		return result.toString();
	}

	String restoreText(String text) {
		if (text.indexOf(OPEN) < 0) {
			return text;
		}
		StringBuilder result = new StringBuilder(text.length() + 16 * this.tokens.size());
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c != OPEN) {
				result.append(c);
				continue;
			}
			if (i + 1 < length && text.charAt(i + 1) == CLOSE) {
				result.append(OPEN);
				i++;
				continue;
			}
			int end = i + 1;
			while (end < length && end - i <= 6 && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
				end++;
			}
			if (end > i + 1 && end < length && text.charAt(end) == CLOSE) {
				int number = Integer.parseInt(text, i + 1, end, 10);
				if (number >= 1 && number <= this.tokens.size()) {
					result.append(this.tokens.get(number - 1));
					i = end;
					continue;
				}
			}
			result.append(c);
		}
		return result.toString();
	}

	private static ChatResponse mapTexts(ChatResponse response, java.util.function.UnaryOperator<String> mapping) {
		List<Generation> generations = new ArrayList<>(response.getResults().size());
		for (Generation generation : response.getResults()) {
			AssistantMessage output = generation.getOutput();
			String text = (output != null) ? output.getText() : null;
			if (text == null) {
				generations.add(generation);
				continue;
			}
			AssistantMessage mapped = output.mutate().content(mapping.apply(text)).build();
			generations.add(new Generation(mapped, generation.getMetadata()));
		}
		return new ChatResponse(generations, response.getMetadata());
	}

	/** Escapes every {@code ⟦} of the text, for key text that may also hold placeholders. */
	static String escape(String text) {
		if (text.indexOf(OPEN) < 0) {
			return text;
		}
		StringBuilder result = new StringBuilder(text.length() + 4);
		escapeInto(text, 0, text.length(), result);
		return result.toString();
	}

	static void escapeInto(String text, int start, int end, StringBuilder result) {
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			result.append(c);
			if (c == OPEN) {
				result.append(CLOSE);
			}
		}
	}

	@Override
	public String toString() {
		// The tokens are the caller's data: never logged.
		return "Placeholders[" + this.tokens.size() + " tokens]";
	}

	/**
	 * Numbers the tokens met in the texts of one request, in order of first appearance: the same
	 * token twice gets the same placeholder. Not thread-safe: one per key.
	 */
	public static final class Collector {

		private final Map<String, Integer> numbers = new LinkedHashMap<>();

		void placeholder(String token, StringBuilder into) {
			Integer number = this.numbers.computeIfAbsent(token, key -> this.numbers.size() + 1);
			into.append(OPEN).append(number).append(CLOSE);
		}

		public Placeholders placeholders() {
			return this.numbers.isEmpty() ? NONE : new Placeholders(new ArrayList<>(this.numbers.keySet()));
		}

	}

}
