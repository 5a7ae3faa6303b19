package dev.llmcache.usage;

import dev.llmcache.codec.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Collects the token usage of the model calls a cached method makes, so that an entry of a method
 * returning a {@code String} or a record (whose result carries no usage) still knows what it cost.
 *
 * <p>The engine {@link #open() opens} a recording around each model call it makes; whatever
 * reports usage on the same thread meanwhile (such as {@link ChatModelUsageObservationHandler})
 * calls {@link #record}. Recordings nest: usage recorded inside an inner cached call counts for the
 * outer one too, since the outer call consumed it. Thread-confined, so thread-safe.
 */
public final class ModelUsageRecorder {

	private static final ThreadLocal<Recording> CURRENT = new ThreadLocal<>();

	private ModelUsageRecorder() {
	}

	/** Start recording for the calling thread; close the recording to stop. */
	public static Recording open() {
		Recording recording = new Recording(CURRENT.get());
		CURRENT.set(recording);
		return recording;
	}

	/** Add usage to every recording open on the calling thread; does nothing when none is open. */
	public static void record(@Nullable String model, long inputTokens, long outputTokens) {
		for (Recording recording = CURRENT.get(); recording != null; recording = recording.parent) {
			recording.add(model, inputTokens, outputTokens);
		}
	}

	/** Whether a recording is open on the calling thread. */
	public static boolean isRecording() {
		return CURRENT.get() != null;
	}

	/** The usage of the model calls made while it was open. Not shared between threads. */
	public static final class Recording implements AutoCloseable {

		private final @Nullable Recording parent;

		private long inputTokens;

		private long outputTokens;

		private int calls;

		private @Nullable String model;

		private boolean closed;

		private Recording(@Nullable Recording parent) {
			this.parent = parent;
		}

		private void add(@Nullable String model, long inputTokens, long outputTokens) {
			this.inputTokens += inputTokens;
			this.outputTokens += outputTokens;
			this.calls++;
			if (this.model == null && model != null && !model.isEmpty()) {
				this.model = model;
			}
		}

		/** How many model calls reported usage. */
		public int calls() {
			return this.calls;
		}

		/** The summed usage, {@link TokenUsage#UNKNOWN} when no call reported any. */
		public TokenUsage usage() {
			return (this.calls > 0) ? new TokenUsage(this.inputTokens, this.outputTokens) : TokenUsage.UNKNOWN;
		}

		/** The model of the first call that named one. */
		public @Nullable String model() {
			return this.model;
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.parent != null) {
				CURRENT.set(this.parent);
			}
			else {
				CURRENT.remove();
			}
		}

	}

}
