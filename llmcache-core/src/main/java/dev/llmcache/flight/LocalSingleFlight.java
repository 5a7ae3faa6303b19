package dev.llmcache.flight;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces concurrent misses of one key inside one JVM: the first caller (the leader) calls the
 * model; the others (followers) wait for its outcome, bounded by a timeout past which they call
 * the model themselves rather than hang.
 *
 * <p>Thread-safe.
 */
public final class LocalSingleFlight {

	private final ConcurrentHashMap<CacheKey, CompletableFuture<Object>> inFlight = new ConcurrentHashMap<>();

	private final long timeoutMillis;

	public LocalSingleFlight(Duration timeout) {
		this.timeoutMillis = timeout.toMillis();
	}

	/**
	 * Join the flight of a key.
	 * @return a ticket: the leader's must be completed with {@link Ticket#succeed} or {@link Ticket#fail}
	 */
	public Ticket join(CacheKey key) {
		CompletableFuture<Object> mine = new CompletableFuture<>();
		CompletableFuture<Object> existing = this.inFlight.putIfAbsent(key, mine);
		return (existing == null) ? new Ticket(key, mine, true) : new Ticket(key, existing, false);
	}

	/** The number of keys with a call in flight, for tests and metrics. */
	public int inFlight() {
		return this.inFlight.size();
	}

	/** One caller's place in a flight. */
	public final class Ticket {

		private final CacheKey key;

		private final CompletableFuture<Object> future;

		private final boolean leader;

		Ticket(CacheKey key, CompletableFuture<Object> future, boolean leader) {
			this.key = key;
			this.future = future;
			this.leader = leader;
		}

		public boolean isLeader() {
			return this.leader;
		}

		/** The leader hands its result to the followers. */
		public void succeed(@Nullable Object result) {
			LocalSingleFlight.this.inFlight.remove(this.key, this.future);
			this.future.complete(result);
		}

		/** The leader hands its exception to the followers: nothing is cached. */
		public void fail(Throwable failure) {
			LocalSingleFlight.this.inFlight.remove(this.key, this.future);
			this.future.completeExceptionally(failure);
		}

		/** The leader's future, for asynchronous followers. */
		public CompletableFuture<Object> future() {
			return this.future;
		}

		/**
		 * A follower waits for the leader.
		 * @return the leader's result, or {@link #NO_SHARED_RESULT} when the wait exceeded the timeout
		 * or the leader's call was cancelled (its caller went away, which says nothing of the model)
		 * @throws Throwable the leader's own exception, unchanged
		 */
		public @Nullable Object await() throws Throwable {
			try {
				return this.future.get(LocalSingleFlight.this.timeoutMillis, TimeUnit.MILLISECONDS);
			}
			catch (CancellationException ex) {
				return NO_SHARED_RESULT;
			}
			catch (ExecutionException ex) {
				throw ex.getCause();
			}
			catch (TimeoutException ex) {
				return NO_SHARED_RESULT;
			}
		}

	}

	/** What a follower gets when it must call the model itself: the leader took too long or was cancelled. */
	public static final Object NO_SHARED_RESULT = new Object() {
		@Override
		public String toString() {
			return "NO_SHARED_RESULT";
		}
	};

}
