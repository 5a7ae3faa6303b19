package dev.llmcache.semantic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Shares the semantic index between instances through a Redis Stream: every entry this instance
 * indexes is appended (bucket, entry key, text, vector, expiry); on {@link #start()} the stream is
 * read from its beginning into the local index, then followed, so an instance that starts later,
 * or runs beside this one, finds entries written elsewhere. The answers themselves stay in L2;
 * an entry that is gone there is dropped from the index when met.
 *
 * <p>Appends run on one background thread with a bounded queue (a full queue drops the append, a
 * Redis failure is logged at DEBUG), so publishing never slows or fails a call. The stream is
 * capped at about {@code maxLength} entries. Thread-safe.
 */
public final class RedisSemanticStream implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisSemanticStream.class);

	private static final int PAGE = 1000;

	private final StringRedisTemplate redis;

	private final String streamKey;

	private final SemanticIndex index;

	private final long maxLength;

	private final Duration pollInterval;

	private final String instanceId = UUID.randomUUID().toString();

	private final ThreadPoolExecutor publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new ArrayBlockingQueue<>(10_000), r -> {
				Thread thread = new Thread(r, "llmcache-semantic-publisher");
				thread.setDaemon(true);
				return thread;
			});

	private volatile @Nullable Thread follower;

	private volatile boolean running;

	private volatile String lastId = "0-0";

	private volatile StreamPayloadCodec codec = StreamPayloadCodec.PLAIN;

	/**
	 * @param streamKey the stream, such as {@code llmcache:semantic}
	 * @param maxLength about how many entries the stream keeps
	 * @param pollInterval how often new entries are read
	 */
	public RedisSemanticStream(RedisConnectionFactory connectionFactory, String streamKey, SemanticIndex index,
			long maxLength, Duration pollInterval) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.streamKey = streamKey;
		this.index = index;
		this.maxLength = maxLength;
		this.pollInterval = pollInterval;
	}

	/**
	 * How entry fields are written and read back; with encryption on, the text, vector and
	 * partition ({@link #PROMPT_DERIVED_FIELDS}) are sealed. Set before {@link #start()}.
	 */
	public void setPayloadCodec(StreamPayloadCodec codec) {
		this.codec = codec;
	}

	/** The fields of an entry derived from a prompt: partition, text, vector. */
	public static final java.util.Set<String> PROMPT_DERIVED_FIELDS = java.util.Set.of("p", "t", "v");

	/** Load what the stream holds, then follow it on a daemon thread. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		try {
			load();
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: cannot load the shared semantic index from Redis (" + ex
					+ "); this instance starts with its own and keeps trying");
		}
		Thread thread = new Thread(this::follow, "llmcache-semantic-follower");
		thread.setDaemon(true);
		this.follower = thread;
		thread.start();
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
		fields.put("v", encode(entry.vector()));
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

	private void load() {
		long now = System.currentTimeMillis();
		int loaded = 0;
		String from = "-";
		while (true) {
			List<MapRecord<String, Object, Object>> page = this.redis.opsForStream()
				.range(this.streamKey, Range.closed(from, "+"), Limit.limit().count(PAGE));
			if (page == null || page.isEmpty()) {
				break;
			}
			for (MapRecord<String, Object, Object> record : page) {
				if (!record.getId().getValue().equals(from) && apply(record, now, true)) {
					loaded++;
				}
				this.lastId = record.getId().getValue();
			}
			if (page.size() < PAGE) {
				break;
			}
			from = this.lastId;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("llmcache: loaded " + loaded + " semantic entries from Redis");
		}
	}

	private void follow() {
		long lastSweep = System.currentTimeMillis();
		while (this.running) {
			try {
				List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
					.read(StreamReadOptions.empty().count(PAGE), StreamOffset.create(this.streamKey,
							ReadOffset.from(this.lastId)));
				long now = System.currentTimeMillis();
				if (records != null) {
					for (MapRecord<String, Object, Object> record : records) {
						apply(record, now, false);
						this.lastId = record.getId().getValue();
					}
				}
				if (now - lastSweep > 10_000) {
					this.index.removeExpired(now);
					lastSweep = now;
				}
				if (records == null || records.size() < PAGE) {
					Thread.sleep(this.pollInterval.toMillis());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				logger.debug("llmcache: reading the shared semantic index from Redis failed; retrying", ex);
				try {
					Thread.sleep(Math.max(1000, this.pollInterval.toMillis()));
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private boolean apply(MapRecord<String, Object, Object> record, long now, boolean includeOwn) {
		try {
			Map<Object, Object> raw = record.getValue();
			if (!includeOwn && this.instanceId.equals(raw.get("i"))) {
				return false;
			}
			Map<String, String> fields = this.codec.decode(strings(raw));
			long expiresAt = Long.parseLong(fields.get("x"));
			if (expiresAt <= now) {
				return false;
			}
			this.index.add(new IndexedRequest(fields.get("b"), fields.get("ns"), fields.get("p"), fields.get("h"),
					fields.get("t"), decode(fields.get("v")), expiresAt));
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("llmcache: ignoring an unreadable semantic stream entry " + record.getId(), ex);
			return false;
		}
	}

	private static Map<String, String> strings(Map<Object, Object> raw) {
		Map<String, String> fields = new HashMap<>();
		raw.forEach((name, value) -> fields.put(String.valueOf(name), (value != null) ? value.toString() : null));
		return fields;
	}

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
	public void destroy() {
		this.running = false;
		Thread thread = this.follower;
		if (thread != null) {
			thread.interrupt();
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
