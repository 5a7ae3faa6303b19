package dev.llmcache.key;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The keys of recent requests, looked up by their raw argument values: a repeated request (the
 * usual L1 hit) then costs one hash lookup instead of normalization, canonical form and SHA-256,
 * which for a 1 KB prompt is most of the cost of a hit.
 *
 * <p>Only arguments whose {@code equals} implies an equal canonical form, and which cannot change
 * after the call, are remembered: {@code String}, boxed primitives, {@code BigInteger},
 * {@code BigDecimal}, {@code UUID} (exact classes, since subclasses may be mutable), enums, and a
 * {@code Prompt} without options whose messages are plain user, system or assistant messages
 * without media or tool calls, remembered by copies of their roles and texts (the canonical form of
 * such a message is its role and its text). A request with any other argument is not remembered and
 * is keyed as before. Equality may be stricter than the canonical form (the integer 1 and the long 1
 * are remembered apart); it never is looser, so the memo never changes a key.
 *
 * <p>Bounded by the summed length of the remembered texts. Thread-safe.
 */
final class KeyMemo {

	/** About 8 MB of retained argument text at most. */
	static final long DEFAULT_MAX_CHARS = 4L * 1024 * 1024;

	// Fixed cost of an entry in the weight, so that many short arguments are bounded too.
	private static final int ENTRY_WEIGHT = 32;

	private static final Object UNREMEMBERED = new Object();

	private final Cache<Arguments, PlaceholderKey> keys;

	KeyMemo(long maxChars) {
		this.keys = Caffeine.newBuilder()
			.maximumWeight(maxChars)
			.weigher((Arguments arguments, PlaceholderKey key) -> arguments.weight)
			// Maintenance on the calling thread: handing it to the common pool costs a thread
			// wake-up, which is more than the lookup this memo exists to make cheap.
			.executor(Runnable::run)
			.build();
	}

	/**
	 * @return what the request is remembered under, or null when one of its arguments cannot be
	 */
	@Nullable Arguments argumentsOf(KeyRequest request) {
		List<KeyArgument> arguments = request.arguments();
		Object[] values = new Object[arguments.size()];
		int weight = ENTRY_WEIGHT;
		for (int i = 0; i < values.length; i++) {
			Object value = frozen(arguments.get(i).value());
			if (value == UNREMEMBERED) {
				return null;
			}
			values[i] = value;
			weight += weightOf(value);
		}
		int flags = (request.normalize() ? 1 : 0) | (request.stripTokens() ? 2 : 0);
		return new Arguments(request.namespace(), request.partition(), request.model(), flags, values, weight);
	}

	@Nullable PlaceholderKey get(Arguments arguments) {
		return this.keys.getIfPresent(arguments);
	}

	void put(Arguments arguments, PlaceholderKey key) {
		this.keys.put(arguments, key);
	}

	private static @Nullable Object frozen(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		Class<?> type = value.getClass();
		if (type == String.class || type == Integer.class || type == Long.class || type == Boolean.class
				|| type == Double.class || type == Float.class || type == Short.class || type == Byte.class
				|| type == Character.class || type == BigInteger.class || type == BigDecimal.class
				|| type == UUID.class || value instanceof Enum) {
			return value;
		}
		if (type == Prompt.class) {
			return frozenPrompt((Prompt) value);
		}
		return UNREMEMBERED;
	}

	private static Object frozenPrompt(Prompt prompt) {
		if (prompt.getOptions() != null) {
			// Options are mutable, and providers' equals methods do not promise to cover every property.
			return UNREMEMBERED;
		}
		List<Message> messages = prompt.getInstructions();
		Object[] parts = new Object[messages.size() * 2];
		int i = 0;
		for (Message message : messages) {
			if (!isPlain(message)) {
				return UNREMEMBERED;
			}
			parts[i++] = message.getMessageType();
			parts[i++] = message.getText();
		}
		return new FrozenPrompt(parts);
	}

	// Exact classes: a subclass could compute its text, or hold more than the canonical form reads.
	private static boolean isPlain(Message message) {
		Class<?> type = message.getClass();
		if (type == SystemMessage.class) {
			return true;
		}
		if (type == UserMessage.class) {
			return ((UserMessage) message).getMedia().isEmpty();
		}
		if (type == AssistantMessage.class) {
			AssistantMessage assistant = (AssistantMessage) message;
			return !assistant.hasToolCalls() && assistant.getMedia().isEmpty();
		}
		return false;
	}

	private static int weightOf(@Nullable Object value) {
		if (value instanceof String text) {
			return text.length();
		}
		if (value instanceof FrozenPrompt prompt) {
			int weight = 0;
			for (Object part : prompt.parts) {
				weight += (part instanceof String text) ? text.length() : 8;
			}
			return weight;
		}
		return 8;
	}

	/** The raw form of a request: its namespace, partition, model, flags and argument values. */
	static final class Arguments {

		private final String namespace;

		private final @Nullable String partition;

		private final @Nullable String model;

		private final int flags;

		private final Object[] values;

		private final int weight;

		private final int hashCode;

		Arguments(String namespace, @Nullable String partition, @Nullable String model, int flags, Object[] values,
				int weight) {
			this.namespace = namespace;
			this.partition = partition;
			this.model = model;
			this.flags = flags;
			this.values = values;
			this.weight = weight;
			this.hashCode = ((31 * (31 * namespace.hashCode() + Objects.hashCode(partition)) + Arrays.hashCode(values))
					* 31 + Objects.hashCode(model)) * 4 + flags;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other || (other instanceof Arguments that && this.hashCode == that.hashCode
					&& this.flags == that.flags && Arrays.equals(this.values, that.values)
					&& this.namespace.equals(that.namespace) && Objects.equals(this.partition, that.partition)
					&& Objects.equals(this.model, that.model));
		}

		@Override
		public int hashCode() {
			return this.hashCode;
		}

	}

	/** The roles and texts of a prompt's messages, in order. */
	private static final class FrozenPrompt {

		private final Object[] parts;

		private final int hashCode;

		FrozenPrompt(Object[] parts) {
			this.parts = parts;
			this.hashCode = Arrays.hashCode(parts);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other
					|| (other instanceof FrozenPrompt that && this.hashCode == that.hashCode && Arrays.equals(this.parts, that.parts));
		}

		@Override
		public int hashCode() {
			return this.hashCode;
		}

	}

}
