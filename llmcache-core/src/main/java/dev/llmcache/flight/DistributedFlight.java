package dev.llmcache.flight;

import java.util.concurrent.CompletableFuture;

import dev.llmcache.key.CacheKey;

/**
 * Coalesces misses of one key across instances: a per-key lease that one caller holds while it
 * calls the model, and a notice its waiters may hear when it has stored the result. A shared tier
 * that can coordinate (Redis) implements it; without one, calls coalesce within each JVM only.
 *
 * <p>Every method is asynchronous and fail-open: its future never completes exceptionally, and
 * none blocks the calling thread. Implementations must be thread-safe.
 */
public interface DistributedFlight {

	/**
	 * Take the lease of a key, if nobody holds it.
	 * @param holder identifies this caller, so that only it releases the lease
	 * @param leaseMillis how long the lease lives unless released: if its holder dies, another
	 * caller takes over after it
	 */
	CompletableFuture<Lease> acquire(CacheKey key, byte[] holder, long leaseMillis);

	/** Release a lease, only if {@code holder} still holds it (an expired lease may be another's). */
	CompletableFuture<Void> release(CacheKey key, byte[] holder);

	/**
	 * Tell the waiters of a key, on every instance, that its entry was stored (or that its holder
	 * gave up), so they look it up now rather than at their next poll.
	 */
	default void announce(CacheKey key) {
	}

	/**
	 * A future completed when an announcement for the key is heard. Waiters poll anyway, so an
	 * implementation without notices may return a future that never completes; a waiter that stops
	 * waiting cancels it.
	 */
	default CompletableFuture<Void> announced(CacheKey key) {
		return new CompletableFuture<>();
	}

	/** Whether a lease was taken. */
	enum Lease {

		/** This caller holds it. */
		ACQUIRED,

		/** Another caller (here or on another instance) holds it. */
		HELD_ELSEWHERE,

		/** The coordinator did not answer, or refused: nobody can coordinate through it now. */
		UNAVAILABLE

	}

}
