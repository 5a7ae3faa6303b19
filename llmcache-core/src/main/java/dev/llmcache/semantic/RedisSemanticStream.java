package dev.llmcache.semantic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.llmcache.codec.StreamPayloadCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamMessageListenerContainerOptions;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamReadRequest;
import org.springframework.data.redis.stream.Subscription;

/**
 * Shares the semantic index between instances through a Redis Stream: every entry this instance
 * indexes is appended (bucket, entry key, text, vector, expiry); on {@link #start()} the newest
 * entries of the stream are replayed into the local index, then the stream is followed, so an
 * instance that starts later, or runs beside this one, finds entries written elsewhere. The answers
 * themselves stay in L2; an entry that is gone there is dropped from the index when met.
 *
 * <p><b>Replay is bounded</b>: it reads the stream from its newest entry backwards and stops after
 * {@code replayLimit} live entries (the index's own bound by default: older ones would be evicted
 * anyway), so its time grows with that limit, not with the stream. Entries replayed are added as
 * older than any the index already holds, newest first, so that the index's eviction order is
 * the stream's. {@link #start()} returns when the replay is done: the index answers with what the
 * other instances had indexed.
 *
 * <p><b>Following</b> is a Spring Data Redis {@link StreamMessageListenerContainer}: blocking reads
 * ({@code XREAD BLOCK}, up to {@code pollInterval}) on a thread of its own from the newest entry
 * the replay saw, so nothing appended during the replay is missed. A read that fails (Redis down
 * or slow) is logged at DEBUG and retried after a second; the subscription is never cancelled by
 * errors. {@link #destroy()} stops the container.
 *
 * <p><b>Payload</b>: version 2 writes the vector quantized ({@value #VECTOR}: a float scale and a
 * byte per dimension, in Base64, a quarter of version 1's floats); entries of version 1
 * ({@value #FLOAT_VECTOR}) are still read, so streams written before replay as they are. Graphs
 * are built once a replay is over ({@link SemanticIndex#olderAdded()}), not while it adds.
 *
 * <p>Appends run on one background thread with a bounded queue (a full queue drops the append, a
 * Redis failure is logged at DEBUG), so publishing never slows or fails a call. The stream is
 * capped at about {@code maxLength} entries. Thread-safe.
 */
public final class RedisSemanticStream implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSemanticStream.class);

	private static final int PAGE = 1000;

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private static final Duration STOP_WAIT = Duration.ofSeconds(2);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final String streamKey;

	private final SemanticIndex index;

	private final long maxLength;

	private final Duration pollInterval;

	private final long replayLimit;

	private final String instanceId = UUID.randomUUID().toString();

	private final ThreadPoolExecutor publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new ArrayBlockingQueue<>(10_000), r -> {
				Thread thread = new Thread(r, "llmcache-semantic-publisher");
				thread.setDaemon(true);
				return thread;
			});

	private volatile @Nullable StreamMessageListenerContainer<String, MapRecord<String, String, String>> container;

	private volatile @Nullable Subscription subscription;

	private volatile boolean running;

	private volatile long replayed;

	/**
	 * A stream whose replay is bounded by the index alone (the whole stream at most).
	 * @param streamKey the stream, such as {@code llmcache:semantic}
	 * @param maxLength about how many entries the stream keeps
	 * @param pollInterval how long one blocking read waits for new entries
	 */
	public RedisSemanticStream(RedisConnectionFactory connectionFactory, String streamKey, SemanticIndex index,
			long maxLength, Duration pollInterval) {
		this(connectionFactory, streamKey, index, maxLength, pollInterval, Long.MAX_VALUE);
	}

	private volatile StreamPayloadCodec codec = StreamPayloadCodec.PLAIN;

	/**
	 * @param streamKey the stream, such as {@code llmcache:semantic}
	 * @param maxLength about how many entries the stream keeps
	 * @param pollInterval how long one blocking read waits for new entries
	 * @param replayLimit most live entries replayed on start, newest first
	 */
	public RedisSemanticStream(RedisConnectionFactory connectionFactory, String streamKey, SemanticIndex index,
			long maxLength, Duration pollInterval, long replayLimit) {
		if (replayLimit < 0) {
			throw new IllegalArgumentException("replayLimit must not be negative, got " + replayLimit);
		}
		this.connectionFactory = connectionFactory;
		this.redis = new StringRedisTemplate(connectionFactory);
		this.streamKey = streamKey;
		this.index = index;
		this.maxLength = maxLength;
		this.pollInterval = pollInterval;
		this.replayLimit = replayLimit;
	}

	/**
	 * How entry fields are written and read back; with encryption on, the text, vector and
	 * partition ({@link #PROMPT_DERIVED_FIELDS}) are sealed. Set before {@link #start()}.
	 */
	public void setPayloadCodec(StreamPayloadCodec codec) {
		this.codec = codec;
	}

	/**
	 * The fields of an entry derived from a prompt: partition, text, vector (as written now,
	 * {@value #VECTOR}, and as written before, {@value #FLOAT_VECTOR}).
	 */
	public static final java.util.Set<String> PROMPT_DERIVED_FIELDS = java.util.Set.of("p", "t", "q", "v");

	/**
	 * The vector as written since payload version 2: scalar-quantized (a little-endian float scale,
	 * then one signed byte per dimension, the value divided by the scale), in Base64: 520
	 * characters for 384 dimensions instead of 2,048, what the index holds anyway.
	 */
	static final String VECTOR = "q";

	/** The vector as version 1 wrote it: little-endian floats in Base64; still read. */
	static final String FLOAT_VECTOR = "v";

	/** Replay the newest entries of the stream, then follow it. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		String from = "0-0";
		try {
			from = replay();
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: cannot load the shared semantic index from Redis (" + ex
					+ "); this instance starts with its own and keeps trying");
			// Redis was unreachable: follow from the start of what it will hold.
		}
		finally {
			this.index.olderAdded();
		}
		follow(from);
	}

	/** Live entries the last replay added to the index. */
	public long replayed() {
		return this.replayed;
	}

	/** Append an entry this instance indexed, in the background. */
	public void publish(IndexedRequest entry) {
		Map<String, String> fields = new HashMap<>();
		fields.put("i", this.instanceId);
		fields.put("b", entry.bucket());
		fields.put("ns", entry.namespace());
		if (entry.partition() != null) {
			fields.put("p", entry.partition());
		}
		fields.put("h", entry.hash());
		fields.put("t", entry.text());
		fields.put("x", Long.toString(entry.expiresAt()));
		fields.put(VECTOR, encodeQuantized(entry.vector()));
		Map<String, String> written;
		try {
			written = this.codec.encode(fields);
		}
		catch (RuntimeException ex) {
			logger.debug("llmcache: encoding a semantic entry failed; other instances will not find it", ex);
			return;
		}
		try {
			this.publisher.execute(() -> {
				try {
					this.redis.opsForStream()
						.add(MapRecord.create(this.streamKey, written),
								XAddOptions.maxlen(this.maxLength).approximateTrimming(true));
				}
				catch (RuntimeException ex) {
					logger.debug("llmcache: publishing a semantic entry to Redis failed; other instances will not "
							+ "find it", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("llmcache: the semantic publishing queue is full; dropping an entry");
		}
	}

	/**
	 * Read the stream newest first, adding each entry not seen yet, until the replay limit.
	 * @return the id of the newest entry read, where following starts
	 */
	private String replay() {
		long started = System.nanoTime();
		long now = System.currentTimeMillis();
		Set<String> seen = new HashSet<>();
		String newest = null;
		String to = "+";
		long added = 0;
		while (added < this.replayLimit) {
			List<MapRecord<String, Object, Object>> page = this.redis.opsForStream()
				.reverseRange(this.streamKey, Range.closed("-", to), Limit.limit().count(PAGE));
			if (page == null || page.isEmpty()) {
				break;
			}
			for (MapRecord<String, Object, Object> record : page) {
				String id = record.getId().getValue();
				if (id.equals(to)) {
					continue;
				}
				if (newest == null) {
					newest = id;
				}
				Map<Object, Object> fields = record.getValue();
				// Newest first: an entry written again later was replayed already.
				if (seen.add(fields.get("b") + " " + fields.get("h")) && apply(record.getId(), fields, now, true, true)) {
					added++;
					if (added >= this.replayLimit) {
						break;
					}
				}
			}
			if (page.size() < PAGE) {
				break;
			}
			to = page.get(page.size() - 1).getId().getValue();
		}
		this.replayed = added;
		if (logger.isDebugEnabled()) {
			logger.debug("llmcache: replayed " + added + " semantic entries from Redis in "
					+ (System.nanoTime() - started) / 1_000_000 + " ms");
		}
		return (newest != null) ? newest : "0-0";
	}

	private void follow(String from) {
		StreamMessageListenerContainerOptions<String, MapRecord<String, String, String>> options = StreamMessageListenerContainerOptions
			.builder()
			.pollTimeout(this.pollInterval)
			.batchSize(PAGE)
			.executor(runnable -> {
				Thread thread = new Thread(runnable, "llmcache-semantic-follower");
				thread.setDaemon(true);
				thread.start();
			})
			.build();
		StreamMessageListenerContainer<String, MapRecord<String, String, String>> follower = StreamMessageListenerContainer
			.create(this.connectionFactory, options);
		StreamReadRequest<String> request = StreamReadRequest.builder(StreamOffset.create(this.streamKey, ReadOffset.from(from)))
			// Keep following through failures: the next read after the pause resumes where the last one ended.
			.cancelOnError(error -> false)
			.errorHandler(this::readFailed)
			.build();
		this.subscription = follower.register(request, record -> apply(record.getId(), record.getValue(),
				System.currentTimeMillis(), false, false));
		follower.start();
		this.container = follower;
	}

	// Called on the follower's thread: pausing it there spaces the retries out.
	private void readFailed(Throwable error) {
		if (!this.running) {
			// Destroyed: end the loop from its own thread too, whatever state the container left it in.
			Subscription current = this.subscription;
			if (current != null) {
				current.cancel();
			}
			return;
		}
		logger.debug("llmcache: reading the shared semantic index from Redis failed; retrying", error);
		try {
			Thread.sleep(RETRY_AFTER.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean apply(RecordId id, Map<?, ?> raw, long now, boolean includeOwn, boolean older) {
		try {
			if (!includeOwn && this.instanceId.equals(raw.get("i"))) {
				return false;
			}
			Map<String, String> fields = this.codec.decode(strings(raw));
			long expiresAt = Long.parseLong(fields.get("x"));
			if (expiresAt <= now) {
				return false;
			}
			String quantized = fields.get(VECTOR);
			float[] vector = (quantized != null) ? decodeQuantized(quantized) : decode(fields.get(FLOAT_VECTOR));
			IndexedRequest entry = new IndexedRequest(fields.get("b"), fields.get("ns"), fields.get("p"), fields.get("h"),
					fields.get("t"), vector, expiresAt);
			if (older) {
				this.index.addOlder(entry);
			}
			else {
				this.index.add(entry);
			}
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("llmcache: ignoring an unreadable semantic stream entry " + id, ex);
			return false;
		}
	}

	private static Map<String, String> strings(Map<?, ?> raw) {
		Map<String, String> fields = new HashMap<>();
		raw.forEach((name, value) -> fields.put(String.valueOf(name), (value != null) ? value.toString() : null));
		return fields;
	}

	/** Version 2: the scale, then the codes (see {@link #VECTOR}). */
	static String encodeQuantized(float[] vector) {
		float max = 0;
		for (float x : vector) {
			max = Math.max(max, Math.abs(x));
		}
		float scale = (max > 0) ? max / 127 : 1;
		ByteBuffer buffer = ByteBuffer.allocate(4 + vector.length).order(ByteOrder.LITTLE_ENDIAN);
		buffer.putFloat(scale);
		buffer.put(InMemorySemanticIndex.QuantizedEntry.quantize(vector, scale));
		return Base64.getEncoder().encodeToString(buffer.array());
	}

	static float[] decodeQuantized(String text) {
		ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
		float scale = buffer.getFloat();
		float[] vector = new float[buffer.remaining()];
		for (int i = 0; i < vector.length; i++) {
			vector[i] = buffer.get() * scale;
		}
		return vector;
	}

	/** Version 1: little-endian floats (see {@link #FLOAT_VECTOR}). */
	static String encode(float[] vector) {
		ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return Base64.getEncoder().encodeToString(buffer.array());
	}

	static float[] decode(String text) {
		ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
		float[] vector = new float[buffer.remaining() / 4];
		buffer.asFloatBuffer().get(vector);
		return vector;
	}

	@Override
	public synchronized void destroy() {
		this.running = false;
		StreamMessageListenerContainer<?, ?> follower = this.container;
		this.container = null;
		if (follower != null) {
			// A poll task whose thread has not begun yet would overwrite the container's cancellation
			// with "running" when it begins, and poll forever: wait until it has begun.
			Subscription current = this.subscription;
			if (current != null && !current.isActive()) {
				try {
					current.await(STOP_WAIT);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			follower.stop();
		}
		this.publisher.shutdown();
		try {
			this.publisher.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
