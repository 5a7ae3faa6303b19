package dev.llmcache.flight;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.StoreToken;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces concurrent misses of one key inside one JVM: the first caller (the leader) calls the
 * model; the others (followers) wait for its outcome, bounded by a timeout past which they call
 * the model themselves rather than hang.
 *
 * <p>A flight whose leader began before an eviction of its key or a clear of its namespace (its
 * {@link StoreToken} is no longer current) is not joined: the next caller leads a new flight, so
 * that a call beginning after an invalidation never shares an answer computed before it.
 *
 * <p>Thread-safe.
 */
public final class LocalSingleFlight {

	private final ConcurrentHashMap<CacheKey, Flight> inFlight = new ConcurrentHashMap<>();

	private final long timeoutMillis;

	public LocalSingleFlight(Duration timeout) {
		this.timeoutMillis = timeout.toMillis();
	}

	/**
	 * Join the flight of a key.
	 * @return a ticket: the leader's must be completed with {@link Ticket#succeed} or {@link Ticket#fail}
	 */
	public Ticket join(CacheKey key) {
		return join(key, null);
	}

	/**
	 * Join the flight of a key, unless its leader's token was revoked since it began.
	 * @param token this caller's token, which becomes the flight's if it leads; null when the
	 * caller has none (its flight is then never retired by an invalidation)
	 * @return a ticket: the leader's must be completed with {@link Ticket#succeed} or {@link Ticket#fail}
	 */
	public Ticket join(CacheKey key, @Nullable StoreToken token) {
		Flight mine = new Flight(new CompletableFuture<>(), token);
		Flight joined = this.inFlight.compute(key,
				(k, existing) -> (existing == null || !existing.isCurrent()) ? mine : existing);
		return (joined == mine) ? new Ticket(key, mine.future(), true) : new Ticket(key, joined.future(), false);
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
			LocalSingleFlight.this.inFlight.computeIfPresent(this.key,
					(k, flight) -> (flight.future() == this.future) ? null : flight);
			this.future.complete(result);
		}

		/** The leader hands its exception to the followers: nothing is cached. */
		public void fail(Throwable failure) {
			LocalSingleFlight.this.inFlight.computeIfPresent(this.key,
					(k, flight) -> (flight.future() == this.future) ? null : flight);
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

	private record Flight(CompletableFuture<Object> future, @Nullable StoreToken token) {

		boolean isCurrent() {
			return this.token == null || this.token.isCurrent();
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
