package dev.llmcache.policy;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Which calls may be cached and which results may be stored.
 *
 * <p>A call is skipped (neither read nor stored) when its options ask for a temperature above the
 * limit: sampling makes each answer one draw among many, and replaying one draw would change what
 * the caller asked for. A call that sets no temperature is cacheable. A result is not stored when it
 * is null or blank, when a chat response ended for any reason but a normal stop (truncated, filtered,
 * failed), or when it asks for tool calls (unless allowed): replaying those would replay a failure
 * or a side effect. Immutable and thread-safe.
 */
public final class CacheabilityPolicy {

	/** Finish reasons that mean the model ended its answer on its own, compared ignoring case. */
	public static final Set<String> DEFAULT_NORMAL_FINISH_REASONS = Set.of("stop", "end_turn", "stop_sequence",
			"complete", "eos", "finished");

	private final Set<String> normalFinishReasons;

	private final boolean cacheToolCalls;

	/**
	 * @param normalFinishReasons finish reasons that allow storing, compared ignoring case
	 * @param cacheToolCalls whether responses that request tool calls may be stored
	 */
	public CacheabilityPolicy(Collection<String> normalFinishReasons, boolean cacheToolCalls) {
		this.normalFinishReasons = normalFinishReasons.stream()
			.map(reason -> reason.toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		this.cacheToolCalls = cacheToolCalls;
	}

	public static CacheabilityPolicy defaults() {
		return new CacheabilityPolicy(DEFAULT_NORMAL_FINISH_REASONS, false);
	}

	/**
	 * The highest temperature any argument asks for: the options of a {@link Prompt}, or a
	 * {@link ChatOptions} passed directly.
	 * @return the temperature, or null if no argument sets one
	 */
	public @Nullable Double requestedTemperature(@Nullable Object[] arguments) {
		Double highest = null;
		for (Object argument : arguments) {
			if (argument instanceof String) {
				// The usual argument, and an exact class test: a failing test against an interface
				// (ChatOptions) walks String's supertypes on every call of every cached method.
				continue;
			}
			Double temperature = temperatureOf(argument);
			if (temperature != null && (highest == null || temperature > highest)) {
				highest = temperature;
			}
		}
		return highest;
	}

	/** Whether a call with these arguments may use the cache under the given limit. */
	public boolean isCacheableRequest(@Nullable Object[] arguments, double maxTemperature) {
		Double temperature = requestedTemperature(arguments);
		return temperature == null || temperature <= maxTemperature;
	}

	/** Why a result must not be stored, or null if it may be. */
	public @Nullable String reasonNotToStore(@Nullable Object result) {
		if (result == null) {
			return "null result";
		}
		if (result instanceof CharSequence text) {
			return text.toString().isBlank() ? "blank result" : null;
		}
		if (result instanceof ChatResponse response) {
			return reasonNotToStore(response);
		}
		if (result instanceof Collection<?> collection && collection.isEmpty()) {
			return "empty result";
		}
		if (result instanceof Map<?, ?> map && map.isEmpty()) {
			return "empty result";
		}
		return null;
	}

	private @Nullable String reasonNotToStore(ChatResponse response) {
		if (response.getResults().isEmpty()) {
			return "no generations";
		}
		if (!this.cacheToolCalls && response.hasToolCalls()) {
			return "tool calls";
		}
		boolean anyText = false;
		for (Generation generation : response.getResults()) {
			String reason = generation.getMetadata().getFinishReason();
			if (reason != null && !reason.isEmpty()
					&& !this.normalFinishReasons.contains(reason.toLowerCase(Locale.ROOT))
					&& !(this.cacheToolCalls && "tool_calls".equalsIgnoreCase(reason))) {
				return "finish reason " + reason;
			}
			String text = generation.getOutput().getText();
			anyText |= (text != null && !text.isBlank()) || generation.getOutput().hasToolCalls();
		}
		return anyText ? null : "blank result";
	}

	private static @Nullable Double temperatureOf(@Nullable Object argument) {
		if (argument instanceof Prompt prompt) {
			return temperatureOf(prompt.getOptions());
		}
		if (argument instanceof ChatOptions options) {
			return options.getTemperature();
		}
		return null;
	}

}
