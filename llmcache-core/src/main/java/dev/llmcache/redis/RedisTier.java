package dev.llmcache.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * L2: entries in Redis, shared by every instance, reached through Lettuce's asynchronous API so
 * that every call is bounded by our own timeout whatever the connection factory's is.
 *
 * <p>Layout under the key prefix {@code P}: an entry lives at {@code P e:<hash>}; the generation of
 * a namespace at {@code P g:<namespace>}; the single-flight lease of an entry at <code>P l:{P e:&lt;hash&gt;}</code>;
 * the index of a namespace with a cap on its entries at {@code P n:<namespace>}; the stamp of an
 * entry, changed by every store and eviction of it, at <code>P s:{P e:&lt;hash&gt;}</code> (see
 * {@link #stampKey}). Each entry records the generation it was written under, and a lookup reads the
 * entry, the current generation and the stamp in one {@code MGET}, so clearing a namespace is one
 * write of a new random generation, without {@code KEYS} or {@code SCAN}. Stores, evictions and
 * clears are Lua scripts that check and change atomically and announce the change to the other
 * instances in the same script: see docs/consistency.md.
 *
 * <p>Fail-open: every method returns an "unavailable" answer instead of throwing when Redis is down,
 * refuses, or is slower than the timeout; {@link RedisAvailability} keeps a sick Redis from costing
 * the timeout on every call.
 *
 * <p>As a {@link Tier} it is the shared tier: it keeps namespace generations and reports them with
 * every lookup. As a {@link DistributedFlight} it holds the single-flight leases, with
 * asynchronous commands so that a waiting caller never blocks a thread. Thread-safe.
 */
public final class RedisTier implements Tier, DistributedFlight, DisposableBean, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisTier.class);

	/** How long the first call waits for the connection being opened at startup. */
	private static final Duration FIRST_CONNECT_WAIT = Duration.ofSeconds(2);

	private final LettuceConnectionFactory connectionFactory;

	private final byte[] entryPrefix;

	/*
	 * The stamp and lease keys of an entry are the entry key framed by these (see besideEntry), built
	 * once here: every lookup reads the stamp, so its key must not cost a round of String conversions.
	 */
	private final byte[] stampKeyHead;

	private final byte[] leaseKeyHead;

	private final byte[] besideEntryTail;

	/** Bytes of the prefix the stamp and lease heads replace in the entry key; see besideEntry. */
	private final int besideEntrySkip;

	private final String generationPrefix;

	private final String indexPrefix;

	/** Where a lease holder announces that it stored (or gave up), for the waiters of every instance. */
	private final byte[] flightChannel;

	private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> flightWaiters = new ConcurrentHashMap<>();

	private final AtomicBoolean subscribing = new AtomicBoolean();

	private volatile @Nullable RedisConnection subscription;

	private volatile boolean destroyed;

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

	/*
	 * A store is made only if the key's stamp is still the one the call read when it began (and, on a
	 * standalone Redis, the namespace generation too); it writes a fresh stamp, so of two calls that
	 * began from the same state only the first to store succeeds. A replacing store (forceRefresh)
	 * announces itself in the same script. KEYS: entry, stamp[, generation]. ARGV: bytes, ttl, expected
	 * stamp ('' for none), new stamp, stamp ttl, expected generation, channel ('' for none), message.
	 */
	private static final String STORE_IF_UNCHANGED = """
			if (redis.call('get', KEYS[2]) or '') ~= ARGV[3] then return 0 end
			if KEYS[3] and (redis.call('get', KEYS[3]) or '') ~= ARGV[6] then return 0 end
			redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
			redis.call('set', KEYS[2], ARGV[4], 'px', ARGV[5])
			if ARGV[7] ~= '' then redis.call('publish', ARGV[7], ARGV[8]) end
			return 1
			""";

	/*
	 * An eviction deletes the entry and its single-flight lease (a call that starts afterwards must not
	 * wait for a flight that started before), stamps the key (so that no call that began before it can
	 * store) and announces itself, all or nothing. KEYS: entry, stamp, lease. ARGV: new stamp, stamp
	 * ttl, channel, message.
	 */
	private static final String EVICT = """
			redis.call('del', KEYS[1], KEYS[3])
			redis.call('set', KEYS[2], ARGV[1], 'px', ARGV[2])
			if ARGV[3] ~= '' then redis.call('publish', ARGV[3], ARGV[4]) end
			return 1
			""";

	/* A clear writes a fresh random generation and announces itself. KEYS: generation. ARGV: generation, channel, message. */
	private static final String CLEAR = """
			redis.call('set', KEYS[1], ARGV[1])
			if ARGV[2] ~= '' then redis.call('publish', ARGV[2], ARGV[3]) end
			return 1
			""";

	/* A namespace without a generation gets a random one before anything is stored under it. */
	private static final String GENERATION_OF = """
			redis.call('set', KEYS[1], ARGV[1], 'nx')
			return redis.call('get', KEYS[1])
			""";

	/** How long a key's stamp outlives its last write at least: longer than any call is in flight. */
	static final long STAMP_RETENTION_MILLIS = Duration.ofHours(24).toMillis();

	private static final byte[] NONE = new byte[0];

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

	private volatile @Nullable Announcements announcements;

	private final boolean standalone;

	private volatile long startupTimeoutMillis;

	private volatile long startupPeriodNanos;

	/** System.nanoTime() until which calls get the start-up timeout; set when the connection opens. */
	private volatile long warmUntilNanos;

	private volatile boolean running;

	private volatile boolean stopped;

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
		boolean tagged = hasHashTag(keyPrefix);
		this.stampKeyHead = (keyPrefix + (tagged ? "s:" : "s:{")).getBytes(StandardCharsets.UTF_8);
		this.leaseKeyHead = (keyPrefix + (tagged ? "l:" : "l:{")).getBytes(StandardCharsets.UTF_8);
		this.besideEntryTail = tagged ? NONE : new byte[] { '}' };
		this.besideEntrySkip = tagged ? keyPrefix.getBytes(StandardCharsets.UTF_8).length : 0;
		this.generationPrefix = keyPrefix + "g:";
		this.indexPrefix = keyPrefix + "n:";
		this.flightChannel = (keyPrefix + "flight").getBytes(StandardCharsets.UTF_8);
		this.timeoutMillis = timeout.toMillis();
		this.availability = new RedisAvailability(retryInterval);
		// On a Cluster the generation lives in another slot than the entry: no script may read both.
		this.standalone = !lettuce.isClusterAware();
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
	 * Read an entry, the current generation of its namespace and the key's stamp, in one
	 * {@code MGET}. A namespace without a generation (never cleared, or Redis restarted empty) gets a
	 * random one first, so that no entry is ever written under a generation that could come back.
	 * @return the answer, or {@link Read#UNAVAILABLE} when Redis cannot answer in time
	 */
	@Override
	public Read lookup(CacheKey key) {
		byte[] entryKey = entryKey(key);
		byte[] generationKey = generationKey(key.namespace());
		List<KeyValue<byte[], byte[]>> values = call(c -> c.mget(generationKey, entryKey, stampKey(entryKey)));
		if (values == null) {
			return Read.UNAVAILABLE;
		}
		byte[] generation = values.get(0).getValueOrElse(null);
		if (generation == null) {
			generation = call(c -> c.eval(GENERATION_OF, ScriptOutputType.VALUE, new byte[][] { generationKey },
					ascii(Long.toString(randomPositive()))));
			if (generation == null) {
				return Read.UNAVAILABLE;
			}
		}
		byte[] stamp = values.get(2).getValueOrElse(null);
		return new Read(true, null, values.get(1).getValueOrElse(null), parseGeneration(generation),
				(stamp != null) ? new String(stamp, StandardCharsets.US_ASCII) : "");
	}

	/**
	 * Store an entry for the call holding {@code token}: refused when the key was stored, evicted or
	 * refreshed since the call's lookup, or (on a standalone Redis) its namespace cleared, and then
	 * the token is revoked so that no other tier keeps the entry either. A replacing store (a forced
	 * refresh) announces itself to the other instances in the same script.
	 */
	@Override
	public boolean store(CacheKey key, CachedValue entry, byte[] bytes, long ttlMillis, StoreToken token) {
		if (ttlMillis <= 0 || !token.isCurrent()) {
			return false;
		}
		byte[] entryKey = entryKey(key);
		byte[][] keys = this.standalone
				? new byte[][] { entryKey, stampKey(entryKey), generationKey(key.namespace()) }
				: new byte[][] { entryKey, stampKey(entryKey) };
		Announcements target = token.isReplacing() ? this.announcements : null;
		Long result = call(c -> c.eval(STORE_IF_UNCHANGED, ScriptOutputType.INTEGER, keys, bytes,
				ascii(Long.toString(ttlMillis)), ascii(token.sharedStamp()), newStamp(),
				ascii(Long.toString(Math.max(ttlMillis, STAMP_RETENTION_MILLIS))),
				ascii(Long.toString(entry.generation())), (target != null) ? target.channel() : NONE,
				(target != null) ? target.evictMessage(key) : NONE));
		if (result == null) {
			return false;
		}
		if (result == 0) {
			token.refuse();
			return false;
		}
		this.availability.accepted();
		long cap = this.entryCaps.capOf(key.namespace());
		if (cap > 0) {
			keepWithinCap(key, ttlMillis, cap);
		}
		return true;
	}

	/**
	 * Evict an entry: delete it, stamp the key so that no call that began before can store it again,
	 * and announce the eviction, in one script. Attempted even while reads are suspended after a
	 * failure: an invalidation must not be skipped because Redis was slow a moment ago.
	 * @return whether Redis confirmed it in time
	 */
	@Override
	public boolean evict(CacheKey key) {
		byte[] entryKey = entryKey(key);
		Announcements target = this.announcements;
		return invalidation(c -> c.eval(EVICT, ScriptOutputType.INTEGER,
				new byte[][] { entryKey, stampKey(entryKey), leaseKey(entryKey) }, newStamp(),
				ascii(Long.toString(STAMP_RETENTION_MILLIS)), (target != null) ? target.channel() : NONE,
				(target != null) ? target.evictMessage(key) : NONE));
	}

	/**
	 * Make every entry of the namespace unreachable at once: a new random generation, never a
	 * counter, so that a Redis that restarted empty cannot bring an old one back. Announced in the
	 * same script; attempted even while reads are suspended.
	 * @return whether Redis confirmed it in time
	 */
	@Override
	public boolean clear(String namespace) {
		Announcements target = this.announcements;
		return invalidation(c -> c.eval(CLEAR, ScriptOutputType.INTEGER, new byte[][] { generationKey(namespace) },
				ascii(Long.toString(randomPositive())), (target != null) ? target.channel() : NONE,
				(target != null) ? target.clearMessage(namespace) : NONE));
	}

	private boolean invalidation(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<Long>> script) {
		return attempt(script, true).value() != null;
	}

	/** Where invalidations are announced, from inside the scripts that make them; none by default. */
	public void setAnnouncements(@Nullable Announcements announcements) {
		this.announcements = announcements;
	}

	/** The bound of every Redis call, in milliseconds. */
	public long timeoutMillis() {
		return this.timeoutMillis;
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

	/** Publishes the key's hash on the flight channel; fire and forget. */
	@Override
	public void announce(CacheKey key) {
		attemptAsync(c -> c.publish(this.flightChannel, ascii(key.hash())));
	}

	/**
	 * Completed when the key's hash is heard on the flight channel. The channel is subscribed on
	 * first use, on this tier's own connection thread; until then (or while Redis is away) waiters
	 * fall back to their timers.
	 */
	@Override
	public CompletableFuture<Void> announced(CacheKey key) {
		CompletableFuture<Void> notice = new CompletableFuture<>();
		this.flightWaiters.computeIfAbsent(key.hash(), hash -> ConcurrentHashMap.newKeySet()).add(notice);
		notice.whenComplete((ignored, ex) -> this.flightWaiters.computeIfPresent(key.hash(), (hash, waiters) -> {
			waiters.remove(notice);
			return waiters.isEmpty() ? null : waiters;
		}));
		subscribeToFlightNotices();
		return notice;
	}

	private void subscribeToFlightNotices() {
		if (this.subscription != null || this.destroyed || this.stopped
				|| !this.subscribing.compareAndSet(false, true)) {
			return;
		}
		try {
			this.connector.execute(() -> {
				try {
					if (this.destroyed || this.stopped) {
						return;
					}
					RedisConnection connection = this.connectionFactory.getConnection();
					connection.subscribe(this::flightNotice, this.flightChannel);
					this.subscription = connection;
					if (this.destroyed || this.stopped) {
						closeSubscription();
					}
				}
				catch (RuntimeException ex) {
					// Waiters poll meanwhile; the next waiter tries again.
					logger.debug("llmcache: subscribing to single-flight notices failed: " + ex);
				}
				finally {
					this.subscribing.set(false);
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.subscribing.set(false);
		}
	}

	private void flightNotice(Message message, byte @Nullable [] pattern) {
		Set<CompletableFuture<Void>> waiters = this.flightWaiters.get(new String(message.getBody(),
				StandardCharsets.US_ASCII));
		if (waiters != null) {
			waiters.forEach(waiter -> waiter.complete(null));
		}
	}

	private void closeSubscription() {
		RedisConnection connection = this.subscription;
		this.subscription = null;
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				logger.debug("llmcache: closing the single-flight subscription failed", ex);
			}
		}
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

	/**
	 * The key of an entry's stamp: in the entry's own hash slot, so that one script can read both on a
	 * Cluster (see {@link #besideEntry}).
	 */
	byte[] stampKey(byte[] entryKey) {
		return besideEntry(this.stampKeyHead, entryKey);
	}

	/** The key of an entry's single-flight lease, in the entry's hash slot. */
	byte[] leaseKey(byte[] entryKey) {
		return besideEntry(this.leaseKeyHead, entryKey);
	}

	/**
	 * A key in the same hash slot as an entry, under the same prefix but outside the entries' own
	 * pattern: <code>P s:{P e:&lt;hash&gt;}</code>, the entry key being its hash tag; when the prefix has
	 * a tag of its own (such as <code>{app}:</code>), that tag already puts both in one slot and the key
	 * is <code>P s:e:&lt;hash&gt;</code>. Either way it starts with the prefix, so an ACL user limited to
	 * the prefix's keys reaches it, and a scan of <code>P e:*</code> finds entries only.
	 */
	private byte[] besideEntry(byte[] head, byte[] entryKey) {
		int body = entryKey.length - this.besideEntrySkip;
		byte[] result = new byte[head.length + body + this.besideEntryTail.length];
		System.arraycopy(head, 0, result, 0, head.length);
		System.arraycopy(entryKey, this.besideEntrySkip, result, head.length, body);
		System.arraycopy(this.besideEntryTail, 0, result, head.length + body, this.besideEntryTail.length);
		return result;
	}

	/** Whether a key prefix holds a Redis hash tag: a '{' followed, later, by a '}' with something between. */
	private static boolean hasHashTag(String keyPrefix) {
		int open = keyPrefix.indexOf('{');
		return open >= 0 && keyPrefix.indexOf('}', open + 1) > open + 1;
	}

	private static byte[] newStamp() {
		return ascii(Long.toString(randomPositive()));
	}

	private static long randomPositive() {
		return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
	}

	private byte[] leaseKey(CacheKey key) {
		return leaseKey(entryKey(key));
	}

	private byte[] generationKey(String namespace) {
		return (this.generationPrefix + namespace).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	/** A generation as Redis holds it (decimal ASCII), 0 when it is none; read on every lookup. */
	static long parseGeneration(byte @Nullable [] value) {
		if (value == null) {
			return 0;
		}
		if (value.length > 0 && value.length < 19) {
			// Fewer than 19 digits cannot overflow a long: no String, no exception on the hot path.
			long result = 0;
			for (byte digit : value) {
				if (digit < '0' || digit > '9') {
					return parseGenerationSlowly(value);
				}
				result = result * 10 + (digit - '0');
			}
			return result;
		}
		return parseGenerationSlowly(value);
	}

	private static long parseGenerationSlowly(byte[] value) {
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
		return attempt(command, false);
	}

	private <T> Answer<T> attempt(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command,
			boolean evenIfSuspended) {
		if (!evenIfSuspended && !this.availability.permits()) {
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
				failed(ex);
			}
			return Answer.none();
		}
		catch (Exception ex) {
			failed(ex);
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
		if (c == null || this.stopped) {
			if (!this.stopped) {
				startConnecting();
			}
			return CompletableFuture.completedFuture(Answer.none());
		}
		CompletableFuture<T> reply;
		try {
			reply = command.apply(c).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			failed(ex);
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
				failed(cause);
			}
			return Answer.none();
		});
	}

	private @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands() {
		if (this.stopped) {
			// Stopping with the application: the connection factory goes next, nothing is an outage.
			return null;
		}
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
			failed(ex);
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

	/**
	 * Opens the connection once the application context is ready, waiting for it a little (as a first
	 * call would), so that the application's first calls find L2 ready; a Redis that is down or slow
	 * delays startup by at most that wait and is reported by the first call. Outside a context the
	 * first call opens it.
	 */
	@Override
	public void start() {
		this.stopped = false;
		this.running = true;
		try {
			startConnecting().get(FIRST_CONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// Not an outage yet: the connection may still come, and the first call decides.
		}
	}

	/**
	 * From now on every call answers as a miss, silently: the application is stopping, and the
	 * connection factory, which stops after this tier, is about to close the connection.
	 */
	@Override
	public void stop() {
		this.stopped = true;
		this.running = false;
		// Closed while the connection factory still runs: closing it after the factory closed it logs a
		// WARN. A subscription being made now closes itself on seeing the stop; wait for it to be done.
		long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (this.subscribing.get() && System.nanoTime() - giveUpAt < 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
		}
		closeSubscription();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** A failure is an outage, unless the application is stopping and closing the connection itself. */
	private void failed(Throwable ex) {
		if (!this.stopped) {
			this.availability.failed(ex);
		}
	}

	/** Started after, and stopped before, the Redis connection factory (phase 0) and its users here. */
	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The lifecycle phase of llmcache's Redis connection; what uses it starts later and stops earlier. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	@Override
	public void destroy() {
		this.destroyed = true;
		this.stopped = true;
		closeSubscription();
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

	/**
	 * The invalidation messages the scripts publish, so that a change and its announcement happen
	 * together or not at all. Implementations are thread-safe.
	 */
	public interface Announcements {

		byte[] channel();

		byte[] evictMessage(CacheKey key);

		byte[] clearMessage(String namespace);

	}

}
