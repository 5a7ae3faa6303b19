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
 * <p>Bounded in bytes of heap: each entry weighs what it retains (the remembered argument values,
 * the frozen prompt copies, the key and Caffeine's node), as laid out by a 64-bit HotSpot JVM with
 * compressed oops, the default below 32 GB of heap. The sizes are JOL measurements
 * ({@code KeyMemoMemoryTests} checks the weight within 25% of JOL); a larger heap without
 * compressed oops retains about a third more than weighed. Argument strings are the caller's own
 * objects: remembering them keeps them alive, so they are counted in full. Thread-safe.
 */
final class KeyMemo {

	/** 8 MB of heap: about 23,000 keys of 40-character questions, 6,000 of 1,000-character ones (measured). */
	static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

	// Caffeine's node and hash-table slot per entry (measured, as for L1), the Arguments object
	// (header, 5 references and 3 ints), the PlaceholderKey (header, 2 references) and the CacheKey
	// (header and 3 references). Placeholders are rare: a flat 64 bytes when there are any.
	private static final int ENTRY_BYTES = 80 + 48 + 24 + 24;

	// A String object: header, hash, coder, flag, array reference.
	private static final int STRING_BYTES = 24;

	// An array's header with its length.
	private static final int ARRAY_BYTES = 16;

	private static final Object UNREMEMBERED = new Object();

	private final Cache<Arguments, PlaceholderKey> keys;

	KeyMemo(long maxBytes) {
		this.keys = Caffeine.newBuilder()
			.maximumWeight(maxBytes)
			// The namespace is the operation's own string, shared by all its keys.
			.weigher((Arguments arguments, PlaceholderKey key) -> arguments.weight() + stringBytes(key.key().hash())
					+ ((key.key().partition() != null) ? stringBytes(key.key().partition()) : 0)
					+ ((key.placeholders() != Placeholders.NONE) ? 64 : 0))
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
		for (int i = 0; i < values.length; i++) {
			Object value = frozen(arguments.get(i).value());
			if (value == UNREMEMBERED) {
				return null;
			}
			values[i] = value;
		}
		int flags = (request.normalize() ? 1 : 0) | (request.stripTokens() ? 2 : 0);
		return new Arguments(request.namespace(), request.partition(), request.model(), flags, values);
	}

	@Nullable PlaceholderKey get(Arguments arguments) {
		return this.keys.getIfPresent(arguments);
	}

	void put(Arguments arguments, PlaceholderKey key) {
		this.keys.put(arguments, key);
	}

	/** Keys remembered. */
	long size() {
		this.keys.cleanUp();
		return this.keys.estimatedSize();
	}

	/** Heap the remembered keys retain, as weighed, in bytes. */
	long weightedSize() {
		this.keys.cleanUp();
		return this.keys.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
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
		if (value == null || value instanceof Enum<?> || value instanceof Boolean) {
			return 0;
		}
		if (value instanceof String text) {
			return stringBytes(text);
		}
		if (value instanceof FrozenPrompt prompt) {
			// The FrozenPrompt (header, reference, int) and its array of roles and texts.
			int weight = 24 + array(prompt.parts.length * 4);
			for (Object part : prompt.parts) {
				if (part instanceof String text) {
					weight += stringBytes(text);
				}
			}
			return weight;
		}
		if (value instanceof BigInteger || value instanceof BigDecimal) {
			return 80;
		}
		// Boxed primitives (16 or 24 bytes) and UUID (24): counted as 24.
		return 24;
	}

	static int stringBytes(String text) {
		boolean latin1 = true;
		for (int i = 0; i < text.length() && latin1; i++) {
			latin1 = text.charAt(i) <= 0xFF;
		}
		return STRING_BYTES + array(latin1 ? text.length() : 2 * text.length());
	}

	private static int array(int contentBytes) {
		return (ARRAY_BYTES + contentBytes + 7) & ~7;
	}

	/** The raw form of a request: its namespace, partition, model, flags and argument values. */
	static final class Arguments {

		private final String namespace;

		private final @Nullable String partition;

		private final @Nullable String model;

		private final int flags;

		private final Object[] values;

		private final int hashCode;

		Arguments(String namespace, @Nullable String partition, @Nullable String model, int flags, Object[] values) {
			this.namespace = namespace;
			this.partition = partition;
			this.model = model;
			this.flags = flags;
			this.values = values;
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

		/** The heap these arguments retain; weighed only when remembered, since a hit never needs it. */
		int weight() {
			int weight = ENTRY_BYTES + array(this.values.length * 4);
			for (Object value : this.values) {
				weight += weightOf(value);
			}
			return weight;
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
