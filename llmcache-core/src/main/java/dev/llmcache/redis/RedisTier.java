package dev.llmcache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.flight.DistributedFlight;
import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.StoreToken;
import dev.llmcache.tier.Tier;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * L2: entries in Redis, shared by every instance, reached through Lettuce's asynchronous API so
 * that every call is bounded by our own timeout whatever the connection factory's is.
 *
 * <p>Layout under the key prefix {@code P}: an entry lives at {@code P e:<hash>}; the generation of
 * a namespace at {@code P g:<namespace>}; the single-flight lease of an entry at {@code P l:<hash>};
 * the index of a namespace with a cap on its entries at {@code P n:<namespace>}. Each entry records
 * the generation it was written under, and a lookup reads the entry and the current generation in one {@code MGET}, so clearing a
 * namespace is one {@code INCR}, without {@code KEYS} or {@code SCAN}.
 *
 * <p>Fail-open: every method returns an "unavailable" answer instead of throwing when Redis is down,
 * refuses, or is slower than the timeout; {@link RedisAvailability} keeps a sick Redis from costing
 * the timeout on every call.
 *
 * <p>As a {@link Tier} it is the shared tier: it keeps namespace generations and reports them with
 * every lookup. As a {@link DistributedFlight} it holds the single-flight leases, with
 * asynchronous commands so that a waiting caller never blocks a thread. Thread-safe.
 */
public final class RedisTier implements Tier, DistributedFlight, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisTier.class);

	/** How long the first call waits for the connection being opened at startup. */
	private static final Duration FIRST_CONNECT_WAIT = Duration.ofSeconds(2);

	private final LettuceConnectionFactory connectionFactory;

	private final byte[] entryPrefix;

	private final String generationPrefix;

	private final String leasePrefix;

	private final String indexPrefix;

	private volatile EntryCaps entryCaps = EntryCaps.NONE;

	private final LongAdder capEvictions = new LongAdder();

	/*
	 * The index of a capped namespace is a sorted set of entry hashes scored by expiry time (Redis's
	 * clock): members already expired are dropped, then the entries closest to expiry beyond the cap.
	 * It lives as long as its longest-lived member. One key, so it works on a Cluster too.
	 */
	private static final String ADD_TO_CAPPED_INDEX = """
			local t = redis.call('time')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('zremrangebyscore', KEYS[1], '-inf', now)
			redis.call('zadd', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
			local over = redis.call('zcard', KEYS[1]) - tonumber(ARGV[3])
			local evicted = {}
			if over > 0 then
			  local popped = redis.call('zpopmin', KEYS[1], over)
			  for i = 1, #popped, 2 do evicted[#evicted + 1] = popped[i] end
			end
			local last = redis.call('zrange', KEYS[1], -1, -1, 'WITHSCORES')
			if last[2] then redis.call('pexpireat', KEYS[1], last[2]) end
			return evicted
			""";

	private static final String RELEASE_IF_HOLDER = "if redis.call('get', KEYS[1]) == ARGV[1] then "
			+ "return redis.call('del', KEYS[1]) else return 0 end";

	private final long timeoutMillis;

	private final RedisAvailability availability;

	private final ExecutorService connector = Executors.newSingleThreadExecutor(runnable -> {
		Thread thread = new Thread(runnable, "llmcache-redis-connect");
		thread.setDaemon(true);
		return thread;
	});

	private final Object connectLock = new Object();

	private volatile @Nullable RedisConnection connection;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

	private volatile @Nullable CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connecting;

	private volatile boolean firstConnect = true;

	private volatile long startupTimeoutMillis;

	private volatile long startupPeriodNanos;

	/** System.nanoTime() until which calls get the start-up timeout; set when the connection opens. */
	private volatile long warmUntilNanos;

	/**
	 * @param connectionFactory the application's Lettuce connection factory; this tier holds one
	 * connection from it (the shared native connection, unless the factory is set not to share)
	 * @param keyPrefix prefix of every key written, such as {@code llmcache:}
	 * @param timeout bound of every Redis call
	 * @param retryInterval how long L2 is skipped after a failure before it is probed again
	 */
	public RedisTier(RedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout,
			Duration retryInterval) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalArgumentException("llmcache's Redis tier needs Lettuce (LettuceConnectionFactory), not "
					+ connectionFactory.getClass().getName() + "; set llmcache.redis.enabled=false to run on L1 only");
		}
		this.connectionFactory = lettuce;
		this.entryPrefix = (keyPrefix + "e:").getBytes(StandardCharsets.UTF_8);
		this.generationPrefix = keyPrefix + "g:";
		this.leasePrefix = keyPrefix + "l:";
		this.indexPrefix = keyPrefix + "n:";
		this.timeoutMillis = timeout.toMillis();
		this.availability = new RedisAvailability(retryInterval);
		startConnecting();
	}

	@Override
	public String name() {
		return "l2";
	}

	@Override
	public boolean isShared() {
		return true;
	}

	/**
	 * Gives the first calls after the connection opens a longer bound: a JVM that is still starting
	 * (loading classes, compiling, an embedding model loading beside it) can take longer than a tight
	 * {@code timeout} for commands a warm one answers in a millisecond, and that must not be taken
	 * for an outage.
	 * @param timeout bound of each call during the start-up period (no shorter than the timeout)
	 * @param period how long after the connection opens the longer bound applies (zero: never)
	 */
	public void setStartupTimeout(Duration timeout, Duration period) {
		this.startupTimeoutMillis = Math.max(timeout.toMillis(), this.timeoutMillis);
		this.startupPeriodNanos = period.toNanos();
		if (this.commands != null) {
			this.warmUntilNanos = System.nanoTime() + this.startupPeriodNanos;
		}
	}

	/** The bound of a call made now. */
	long currentTimeoutMillis() {
		long warmUntil = this.warmUntilNanos;
		return (warmUntil != 0 && System.nanoTime() - warmUntil < 0) ? this.startupTimeoutMillis : this.timeoutMillis;
	}

	/**
	 * Read an entry and the current generation of its namespace, in one {@code MGET}.
	 * @return the answer, or {@link Read#UNAVAILABLE} when Redis cannot answer in time
	 */
	@Override
	public Read lookup(CacheKey key) {
		List<KeyValue<byte[], byte[]>> values = call(c -> c.mget(generationKey(key.namespace()), entryKey(key)));
		if (values == null) {
			return Read.UNAVAILABLE;
		}
		long generation = parseGeneration(values.get(0).getValueOrElse(null));
		return new Read(true, null, values.get(1).getValueOrElse(null), generation);
	}

	@Override
	public boolean store(CacheKey key, CachedValue entry, byte[] bytes, long ttlMillis, StoreToken token) {
		return token.isCurrent() && store(key, bytes, ttlMillis);
	}

	@Override
	public void evict(CacheKey key) {
		delete(key);
	}

	@Override
	public void clear(String namespace) {
		bumpGeneration(namespace);
	}

	/**
	 * Cap the number of entries namespaces keep in Redis. A store into a capped namespace also
	 * records the entry in the namespace's index and deletes the entries closest to expiry beyond the
	 * cap; entries stored before the cap was set are not counted.
	 */
	public void setEntryCaps(EntryCaps entryCaps) {
		this.entryCaps = entryCaps;
	}

	/** How many entries this instance deleted to keep namespaces within their cap. */
	public long capEvictions() {
		return this.capEvictions.sum();
	}

	/** @return whether Redis stored it */
	public boolean store(CacheKey key, byte[] bytes, long ttlMillis) {
		if (ttlMillis <= 0) {
			return false;
		}
		boolean stored = call(c -> c.set(entryKey(key), bytes, SetArgs.Builder.px(ttlMillis))) != null;
		if (stored) {
			this.availability.accepted();
			long cap = this.entryCaps.capOf(key.namespace());
			if (cap > 0) {
				keepWithinCap(key, ttlMillis, cap);
			}
		}
		return stored;
	}

	private void keepWithinCap(CacheKey key, long ttlMillis, long cap) {
		byte[][] index = { (this.indexPrefix + key.namespace()).getBytes(StandardCharsets.UTF_8) };
		List<Object> evicted = call(c -> c.eval(ADD_TO_CAPPED_INDEX, ScriptOutputType.MULTI, index,
				ascii(Long.toString(ttlMillis)), ascii(key.hash()), ascii(Long.toString(cap))));
		if (evicted == null || evicted.isEmpty()) {
			return;
		}
		byte[][] entries = new byte[evicted.size()][];
		for (int i = 0; i < entries.length; i++) {
			entries[i] = entryKey(new String((byte[]) evicted.get(i), StandardCharsets.US_ASCII));
		}
		if (call(c -> c.del(entries)) != null) {
			this.capEvictions.add(entries.length);
		}
	}

	/** @return whether Redis answered (whether or not the entry existed) */
	public boolean delete(CacheKey key) {
		return call(c -> c.del(entryKey(key))) != null;
	}

	/**
	 * Make every entry of the namespace unreachable at once.
	 * @return the new generation, or -1 if Redis did not answer
	 */
	public long bumpGeneration(String namespace) {
		Long generation = call(c -> c.incr(generationKey(namespace)));
		return (generation != null) ? generation : -1;
	}

	@Override
	public CompletableFuture<Lease> acquire(CacheKey key, byte[] holder, long leaseMillis) {
		return attemptAsync(c -> c.set(leaseKey(key), holder, SetArgs.Builder.nx().px(leaseMillis)))
			.thenApply(answer -> !answer.answered() ? Lease.UNAVAILABLE
					: "OK".equals(answer.value()) ? Lease.ACQUIRED : Lease.HELD_ELSEWHERE);
	}

	@Override
	public CompletableFuture<Void> release(CacheKey key, byte[] holder) {
		return attemptAsync(c -> c.<Long>eval(RELEASE_IF_HOLDER, ScriptOutputType.INTEGER,
				new byte[][] { leaseKey(key) }, holder))
			.thenApply(answer -> null);
	}

	/**
	 * Take the per-key lease that lets one instance call the model for a key while the others wait,
	 * blocking until Redis answers (for tools and tests; the engine uses {@link #acquire}).
	 * @return whether this caller holds the lease now; false also when Redis did not answer
	 */
	public Lease tryLease(CacheKey key, byte[] token, long leaseMillis) {
		Answer<String> answer = attempt(c -> c.set(leaseKey(key), token, SetArgs.Builder.nx().px(leaseMillis)));
		if (!answer.answered()) {
			return Lease.UNAVAILABLE;
		}
		return "OK".equals(answer.value()) ? Lease.ACQUIRED : Lease.HELD_ELSEWHERE;
	}

	/** Whether some instance holds the lease of a key; false when Redis did not answer. */
	public boolean isLeased(CacheKey key) {
		Long exists = call(c -> c.exists(leaseKey(key)));
		return exists != null && exists > 0;
	}

	/** Release a lease, only if this token still holds it (an expired lease may belong to another). */
	public void releaseLease(CacheKey key, byte[] token) {
		call(c -> c.eval(RELEASE_IF_HOLDER, ScriptOutputType.INTEGER, new byte[][] { leaseKey(key) },
				token));
	}

	/** Publish a message; false when Redis did not answer. */
	public boolean publish(byte[] channel, byte[] message) {
		return call(c -> c.publish(channel, message)) != null;
	}

	public RedisAvailability availability() {
		return this.availability;
	}

	/** The Redis key of an entry, for tests and tools that inspect the store. */
	public byte[] entryKey(CacheKey key) {
		return entryKey(key.hash());
	}

	private byte[] entryKey(String keyHash) {
		byte[] hash = ascii(keyHash);
		byte[] result = new byte[this.entryPrefix.length + hash.length];
		System.arraycopy(this.entryPrefix, 0, result, 0, this.entryPrefix.length);
		System.arraycopy(hash, 0, result, this.entryPrefix.length, hash.length);
		return result;
	}

	private byte[] leaseKey(CacheKey key) {
		return (this.leasePrefix + key.hash()).getBytes(StandardCharsets.US_ASCII);
	}

	private byte[] generationKey(String namespace) {
		return (this.generationPrefix + namespace).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	private static long parseGeneration(byte @Nullable [] value) {
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** The reply of a command, or null when Redis did not answer or refused it (or replied nil). */
	private <T> @Nullable T call(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		return attempt(command).value();
	}

	private <T> Answer<T> attempt(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		if (!this.availability.permits()) {
			return Answer.none();
		}
		RedisClusterAsyncCommands<byte[], byte[]> c = commands();
		if (c == null) {
			return Answer.none();
		}
		try {
			T result = command.apply(c).get(currentTimeoutMillis(), TimeUnit.MILLISECONDS);
			this.availability.succeeded();
			return new Answer<>(true, result);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Answer.none();
		}
		catch (ExecutionException ex) {
			// Redis answered with an error (full under noeviction, a missing permission): it is up,
			// so reads go on; only the refused command is skipped.
			if (ex.getCause() instanceof RedisCommandExecutionException refusal) {
				this.availability.refused(refusal);
			}
			else {
				this.availability.failed(ex);
			}
			return Answer.none();
		}
		catch (Exception ex) {
			this.availability.failed(ex);
			return Answer.none();
		}
	}

	/**
	 * A command that never blocks the caller: while the connection is still being opened, or the
	 * breaker is open, it is answered "none" at once.
	 */
	private <T> CompletableFuture<Answer<T>> attemptAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		if (!this.availability.permits()) {
			return CompletableFuture.completedFuture(Answer.none());
		}
		RedisClusterAsyncCommands<byte[], byte[]> c = this.commands;
		if (c == null) {
			startConnecting();
			return CompletableFuture.completedFuture(Answer.none());
		}
		CompletableFuture<T> reply;
		try {
			reply = command.apply(c).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			this.availability.failed(ex);
			return CompletableFuture.completedFuture(Answer.none());
		}
		return reply.orTimeout(this.timeoutMillis, TimeUnit.MILLISECONDS).handle((result, ex) -> {
			if (ex == null) {
				this.availability.succeeded();
				return new Answer<>(true, result);
			}
			Throwable cause = (ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null)
					? ex.getCause() : ex;
			if (cause instanceof RedisCommandExecutionException refusal) {
				this.availability.refused(refusal);
			}
			else {
				this.availability.failed(cause);
			}
			return Answer.none();
		});
	}

	private @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands() {
		RedisClusterAsyncCommands<byte[], byte[]> c = this.commands;
		if (c != null) {
			return c;
		}
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending = startConnecting();
		long wait = this.firstConnect
				? Math.max(FIRST_CONNECT_WAIT.toMillis(), Math.max(this.startupTimeoutMillis, this.timeoutMillis))
				: this.timeoutMillis;
		try {
			return pending.get(wait, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			this.availability.failed(ex);
			return null;
		}
		finally {
			this.firstConnect = false;
		}
	}

	@SuppressWarnings("unchecked")
	private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> startConnecting() {
		synchronized (this.connectLock) {
			CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> pending = this.connecting;
			if (pending != null && (!pending.isDone() || !pending.isCompletedExceptionally())) {
				return pending;
			}
			// A connection that cannot be opened blocks for the client's connect timeout: never on a caller.
			pending = CompletableFuture.supplyAsync(() -> {
				RedisConnection opened = this.connectionFactory.getConnection();
				RedisClusterAsyncCommands<byte[], byte[]> async = (RedisClusterAsyncCommands<byte[], byte[]>) opened
					.getNativeConnection();
				this.connection = opened;
				this.commands = async;
				// After publishing the connection: either this sees the period or setStartupTimeout sees the connection.
				if (this.startupPeriodNanos > 0) {
					this.warmUntilNanos = System.nanoTime() + this.startupPeriodNanos;
				}
				return async;
			}, this.connector);
			this.connecting = pending;
			return pending;
		}
	}

	@Override
	public void destroy() {
		RedisConnection opened = this.connection;
		if (opened != null) {
			try {
				opened.close();
			}
			catch (RuntimeException ex) {
				logger.debug("llmcache: closing the Redis connection failed", ex);
			}
		}
		this.connector.shutdownNow();
	}

	private record Answer<T>(boolean answered, @Nullable T value) {

		static <T> Answer<T> none() {
			return new Answer<>(false, null);
		}

	}

}
