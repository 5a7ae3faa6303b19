package dev.llmcache.tier;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmcache.codec.CachedValue;
import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * L1: an in-process Caffeine cache bounded in bytes of heap, as {@link HeapWeigher} estimates what
 * each entry retains, where every entry expires at its own {@link CachedValue#expiresAt()}, the
 * moment its L2 copy expires too.
 *
 * <p>Expiry is checked here, against the wall clock, rather than by Caffeine: a cache with a
 * variable expiry policy does a timer-wheel update on every read and serializes readers in its
 * maintenance, which made a hit several times dearer and stopped hits from scaling past one
 * thread. An expired entry is removed when it is read, when the cache needs room (never read
 * again, it is among the first evicted), and in a sweep at most once a minute on the thread of a
 * store, which already waited for the model.
 *
 * <p>As a {@link Tier}: keeps no generation (a clear removes the namespace's entries), and checks
 * a store's token inside the same atomic map operation as its write.
 *
 * <p>Thread-safe.
 */
public final class LocalTier implements Tier {

	private static final long SWEEP_INTERVAL_MILLIS = 60_000;

	private final Cache<CacheKey, CachedValue> cache;

	// Stores hold it shared, namespace sweeps exclusively: a map iteration does not wait for an entry
	// being computed, so without it a store that checked its token before a clear could publish its
	// entry behind the sweep and be read until its own re-check removes it.
	private final ReentrantReadWriteLock sweepLock = new ReentrantReadWriteLock();

	private final Clock clock;

	private final AtomicLong nextSweepAt;

	/**
	 * @param maxBytes upper bound of the heap retained by all entries, as {@link HeapWeigher} weighs them
	 */
	public LocalTier(long maxBytes) {
		this(maxBytes, builder -> {
		});
	}

	/**
	 * @param maxBytes upper bound of the heap retained by all entries, as {@link HeapWeigher} weighs them
	 * @param customizer tunes the Caffeine builder after the bound, the weigher and the maintenance
	 * executor are set (Caffeine refuses to set those again); it may add statistics, listeners, an
	 * earlier expiry, an initial capacity
	 * @throws IllegalStateException if the customizer made keys weak: keys are compared by
	 * {@code equals}, and weak keys are compared by identity, so nothing would ever hit
	 */
	public LocalTier(long maxBytes, Consumer<? super Caffeine<Object, Object>> customizer) {
		this(maxBytes, customizer, Clock.systemUTC());
	}

	/**
	 * @param maxBytes upper bound of the heap retained by all entries, as {@link HeapWeigher} weighs them
	 * @param customizer tunes the Caffeine builder, as {@link #LocalTier(long, Consumer)} describes
	 * @param clock the wall clock against which entries expire and sweeps are timed; tests pass one
	 * they advance instead of waiting
	 */
	public LocalTier(long maxBytes, Consumer<? super Caffeine<Object, Object>> customizer, Clock clock) {
		this.clock = clock;
		this.nextSweepAt = new AtomicLong(clock.millis() + SWEEP_INTERVAL_MILLIS);
		Caffeine<Object, Object> builder = Caffeine.newBuilder();
		builder.maximumWeight(maxBytes)
			.weigher(new HeapWeigher())
			// Maintenance (draining read buffers, expiring, evicting) on the calling thread. Handing
			// it to the common pool wakes a pool thread every few reads, and that wake-up cost more
			// than the hit itself (13% of an L1 hit in the JMH stack profile).
			.executor(Runnable::run);
		customizer.accept(builder);
		// Caffeine has no getter for the key strength; its description is the one place that tells.
		if (builder.toString().contains("keyStrength=")) {
			throw new IllegalStateException("L1 keys must not be weak: a weak key is compared by identity, "
					+ "and equal keys built by separate calls would never hit");
		}
		this.cache = builder.build();
	}

	@Override
	public String name() {
		return "l1";
	}

	@Override
	public boolean isShared() {
		return false;
	}

	@Override
	public Read lookup(CacheKey key) {
		return Read.of(get(key));
	}

	@Override
	public @Nullable CachedValue peek(CacheKey key) {
		return get(key);
	}

	@Override
	public boolean store(CacheKey key, CachedValue entry, byte[] bytes, long ttlMillis, StoreToken token) {
		long now = this.clock.millis();
		if (entry.isExpired(now)) {
			return false;
		}
		boolean[] stored = new boolean[1];
		Lock shared = this.sweepLock.readLock();
		shared.lock();
		try {
			// Checked inside the entry's atomic section: an eviction stamps first, then removes under
			// the same lock, so this write either precedes that removal or sees the stamp.
			this.cache.asMap().compute(key, (k, old) -> {
				stored[0] = token.isCurrent();
				return stored[0] ? entry : old;
			});
			if (stored[0] && !token.isCurrent()) {
				// A namespace clear stamped meanwhile; its sweep waits for this lock, so it is removed first.
				this.cache.asMap().remove(key, entry);
				return false;
			}
		}
		finally {
			shared.unlock();
		}
		sweepIfDue(now);
		return stored[0];
	}

	@Override
	public boolean evict(CacheKey key) {
		invalidate(key);
		return true;
	}

	@Override
	public boolean clear(String namespace) {
		invalidateNamespace(namespace);
		return true;
	}

	/** The entry held for a key, or null; an expired entry is removed and not returned. */
	public @Nullable CachedValue get(CacheKey key) {
		CachedValue value = this.cache.getIfPresent(key);
		// Caffeine expires lazily on its own clock; the wall clock decides, as it does across instances.
		if (value != null && value.isExpired(this.clock.millis())) {
			this.cache.asMap().remove(key, value);
			return null;
		}
		return value;
	}

	/** Put an entry without a token: for tools and tests that fill L1 directly. */
	public void put(CacheKey key, CachedValue value) {
		long now = this.clock.millis();
		if (!value.isExpired(now)) {
			this.cache.put(key, value);
		}
		sweepIfDue(now);
	}

	private void sweepIfDue(long now) {
		long sweepAt = this.nextSweepAt.get();
		if (now >= sweepAt && this.nextSweepAt.compareAndSet(sweepAt, now + SWEEP_INTERVAL_MILLIS)) {
			removeExpired(now);
		}
	}

	private void removeExpired(long now) {
		this.cache.asMap().values().removeIf(value -> value.isExpired(now));
	}

	public void invalidate(CacheKey key) {
		this.cache.invalidate(key);
	}

	/** O(entries in L1): acceptable for a rare, explicit clear, and L2 is cleared in O(1) by generation. */
	public void invalidateNamespace(String namespace) {
		Lock exclusive = this.sweepLock.writeLock();
		exclusive.lock();
		try {
			this.cache.asMap().keySet().removeIf(key -> key.namespace().equals(namespace));
		}
		finally {
			exclusive.unlock();
		}
	}

	public void invalidateAll() {
		this.cache.invalidateAll();
	}

	public long estimatedSize() {
		return this.cache.estimatedSize();
	}

	/** The heap the entries retain, in bytes, as weighed. */
	public long weightedSize() {
		return this.cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
	}

	/** Remove what has expired now, and finish Caffeine's pending maintenance. */
	public void cleanUp() {
		removeExpired(this.clock.millis());
		this.cache.cleanUp();
	}

}
