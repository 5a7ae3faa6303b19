package dev.llmcache.coherence;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.InvalidationBroadcaster;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps every instance's L1 coherent with evictions, clears and overwrites made anywhere, over Redis
 * pub/sub. When a Redis connection comes back after a loss, messages may have been missed, so the
 * whole L1 of this instance is dropped: L2 still holds every entry.
 *
 * <p>Messages are small JSON objects ({@code {"i":instance,"op":"evict"|"clear","ns":..,"p":..,"h":..}}):
 * no prompt text ever travels. Thread-safe.
 */
public final class RedisL1Coherence
		implements InvalidationBroadcaster, RedisTier.Announcements, MessageListener, DisposableBean, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisL1Coherence.class);

	private final TieredCache cache;

	private final RedisTier redis;

	private static final long PROBE_PATIENCE_MILLIS = 10_000;

	static final long DEFAULT_BOUND_MILLIS = 2_000;

	private final byte[] channel;

	private final String instanceId = UUID.randomUUID().toString();

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RedisMessageListenerContainer container;

	private final AtomicBoolean connectionLost = new AtomicBoolean();

	private final LettuceConnectionFactory connectionFactory;

	private @Nullable Disposable connectionEvents;

	private @Nullable Thread subscriber;

	private volatile boolean destroyed;

	// Set when a subscription attempt failed: start() does not wait for a Redis that is down.
	private volatile boolean unreachable;

	// Wakes the subscriber without an interrupt, which would leave a subscription half made.
	private volatile CountDownLatch stopping = new CountDownLatch(1);

	// Counted down when this instance receives its own probe: from then on it hears every invalidation.
	private final CountDownLatch probeReceived = new CountDownLatch(1);

	private final long boundNanos;

	private final Object readability = new Object();

	/** When the newest probe this instance heard back was sent (this JVM's nanoTime). */
	private volatile long heardSentAt;

	/** When this instance last lost a Redis connection (nanoTime); L1 waits for a probe sent after. */
	private volatile long lostAt;

	private volatile boolean l1Readable;

	private volatile @Nullable Thread heartbeat;

	/**
	 * Prepare to subscribe to the invalidation channel, with a coherence bound of {@value #DEFAULT_BOUND_MILLIS} ms.
	 * @param channel the pub/sub channel, such as {@code llmcache:invalidations}
	 */
	public RedisL1Coherence(TieredCache cache, RedisTier redis, LettuceConnectionFactory connectionFactory,
			String channel) {
		this(cache, redis, connectionFactory, channel, Duration.ofMillis(DEFAULT_BOUND_MILLIS));
	}

	/**
	 * Prepare to subscribe to the invalidation channel; {@link #start()} subscribes and registers as
	 * the cache's broadcaster.
	 * @param channel the pub/sub channel, such as {@code llmcache:invalidations}
	 * @param bound longest time L1 answers without this instance having heard its own heartbeat on
	 * the channel: how long an evicted value may be served when pub/sub is cut
	 */
	public RedisL1Coherence(TieredCache cache, RedisTier redis, LettuceConnectionFactory connectionFactory,
			String channel, Duration bound) {
		if (bound.toMillis() < 100) {
			throw new IllegalArgumentException("llmcache.l1.coherence-bound must be at least 100ms, got " + bound);
		}
		this.boundNanos = bound.toNanos();
		this.cache = cache;
		this.redis = redis;
		this.channel = channel.getBytes(StandardCharsets.UTF_8);
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		this.container.setRecoveryInterval(1000);
		this.container.addMessageListener(this, new ChannelTopic(channel));
		this.container.afterPropertiesSet();
		this.connectionFactory = connectionFactory;
		redis.setAnnouncements(this);
	}

	/** Whether this instance has confirmed that it hears the invalidations of every instance. */
	public boolean isListening() {
		return this.probeReceived.getCount() == 0 && this.l1Readable;
	}

	/** Nothing to send: the Redis tier announces an eviction in the script that makes it. */
	@Override
	public void evicted(CacheKey key) {
	}

	/** Nothing to send: the Redis tier announces a clear in the script that makes it. */
	@Override
	public void cleared(String namespace) {
	}

	@Override
	public byte[] channel() {
		return this.channel;
	}

	@Override
	public byte[] evictMessage(CacheKey key) {
		return this.mapper.writeValueAsBytes(evictNode(key));
	}

	@Override
	public byte[] clearMessage(String namespace) {
		return this.mapper.writeValueAsBytes(message("clear", namespace));
	}

	private ObjectNode evictNode(CacheKey key) {
		ObjectNode message = message("evict", key.namespace());
		if (key.partition() != null) {
			message.put("p", key.partition());
		}
		message.put("h", key.hash());
		return message;
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		try {
			JsonNode node = this.mapper.readTree(message.getBody());
			if (this.instanceId.equals(node.path("i").asString(""))) {
				if ("probe".equals(node.path("op").asString(""))) {
					this.probeReceived.countDown();
					heard(node.path("t").asLong(0));
				}
				return;
			}
			String namespace = node.path("ns").asString(null);
			if (namespace == null) {
				return;
			}
			switch (node.path("op").asString("")) {
				case "evict" -> this.cache.evictLocally(new CacheKey(namespace,
						node.hasNonNull("p") ? node.get("p").asString() : null, node.path("h").asString("")));
				case "clear" -> this.cache.clearNamespaceLocally(namespace);
				case "probe" -> {
					// Another instance checking its own subscription.
				}
				default -> logger.debug("llmcache: ignoring an invalidation message with an unknown operation");
			}
		}
		catch (RuntimeException ex) {
			logger.debug("llmcache: ignoring an unreadable invalidation message", ex);
		}
	}

	private ObjectNode message(String operation, String namespace) {
		ObjectNode message = this.mapper.createObjectNode();
		message.put("i", this.instanceId);
		message.put("op", operation);
		message.put("ns", namespace);
		return message;
	}

	/**
	 * The container fails to start while Redis is unreachable, and an application must start
	 * without Redis: keep trying in the background. Once started, the container recovers by itself.
	 */
	private void subscribeUntilStarted() {
		boolean warned = false;
		while (!this.destroyed) {
			try {
				this.container.start();
				if (warned) {
					logger.info("llmcache: subscribed to L1 invalidations");
				}
				awaitOwnProbe();
				return;
			}
			catch (RuntimeException ex) {
				// L1 stays unread: another instance that reaches Redis could evict what this one holds.
				this.unreachable = true;
				if (!warned) {
					logger.warn("llmcache: cannot subscribe to L1 invalidations yet (" + ex.getMessage()
							+ "); retrying in the background");
					warned = true;
				}
				try {
					if (this.stopping.await(1, TimeUnit.SECONDS)) {
						return;
					}
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	/**
	 * The container may return before Redis confirmed the subscription: publish probes until this
	 * instance hears one, then forget what L1 took in before (it may have missed an invalidation)
	 * and let L1 answer again.
	 */
	private void awaitOwnProbe() {
		long giveUpAt = System.currentTimeMillis() + PROBE_PATIENCE_MILLIS;
		try {
			while (!this.destroyed) {
				if (!publishProbe()) {
					// Redis does not answer: the heartbeat goes on probing, and L1 answers once a probe comes back.
					this.unreachable = true;
					break;
				}
				if (this.probeReceived.await(200, TimeUnit.MILLISECONDS)) {
					break;
				}
				if (System.currentTimeMillis() >= giveUpAt) {
					logger.warn("llmcache: subscribed to L1 invalidations but could not confirm it yet; L1 is not read "
							+ "until this instance hears its own heartbeat");
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		synchronized (this.readability) {
			if (this.probeReceived.getCount() == 0) {
				this.cache.clearLocal();
				this.l1Readable = true;
				this.cache.setLocalReadable(true);
			}
		}
		startHeartbeat();
	}

	private boolean publishProbe() {
		ObjectNode probe = message("probe", "");
		probe.put("t", System.nanoTime());
		return this.redis.publish(this.channel, this.mapper.writeValueAsBytes(probe));
	}

	/**
	 * Every quarter of the bound: publish a probe, stop L1 answering when no probe came back within
	 * the bound, and replay invalidations Redis had not confirmed.
	 */
	private void startHeartbeat() {
		if (this.heartbeat != null || this.destroyed) {
			return;
		}
		long periodMillis = Math.max(25, this.boundNanos / 4_000_000);
		Thread thread = new Thread(() -> {
			while (!this.destroyed) {
				try {
					Thread.sleep(periodMillis);
				}
				catch (InterruptedException ex) {
					return;
				}
				beat();
			}
		}, "llmcache-coherence-heartbeat");
		thread.setDaemon(true);
		this.heartbeat = thread;
		thread.start();
	}

	private void beat() {
		try {
			long now = System.nanoTime();
			if (this.l1Readable && now - this.heardSentAt > this.boundNanos) {
				synchronized (this.readability) {
					if (this.l1Readable && now - this.heardSentAt > this.boundNanos) {
						this.l1Readable = false;
						this.cache.setLocalReadable(false);
						logger.warn("llmcache: no word from the invalidation channel for "
								+ (this.boundNanos / 1_000_000) + " ms; L1 is not read until it works again");
					}
				}
			}
			if (this.cache.pendingInvalidations() > 0) {
				this.cache.replayPendingInvalidations();
			}
			publishProbe();
		}
		catch (RuntimeException ex) {
			logger.debug("llmcache: coherence heartbeat failed", ex);
		}
	}

	/**
	 * Our own probe sent at {@code sentAt} came back: every invalidation published before it was
	 * heard. L1 answers again, emptied first if it stopped answering meanwhile.
	 */
	private void heard(long sentAt) {
		if (sentAt <= this.heardSentAt) {
			return;
		}
		synchronized (this.readability) {
			this.heardSentAt = Math.max(this.heardSentAt, sentAt);
			if (!this.l1Readable && this.probeReceived.getCount() == 0 && sentAt > this.lostAt
					&& this.heartbeat != null) {
				this.cache.clearLocal();
				this.l1Readable = true;
				this.cache.setLocalReadable(true);
				logger.info("llmcache: the invalidation channel works again; L1 was emptied and answers again");
			}
		}
	}

	private @Nullable Disposable subscribeToConnectionEvents(LettuceConnectionFactory connectionFactory) {
		try {
			return connectionFactory.getRequiredNativeClient()
				.getResources()
				.eventBus()
				.get()
				.subscribe(event -> {
					if (event instanceof ConnectionDeactivatedEvent) {
						this.connectionLost.set(true);
						// Messages may be lost from now on: L1 waits for a probe sent after this.
						synchronized (this.readability) {
							this.lostAt = System.nanoTime();
							if (this.l1Readable) {
								this.l1Readable = false;
								this.cache.setLocalReadable(false);
							}
						}
					}
					else if (event instanceof ConnectionActivatedEvent && this.connectionLost.compareAndSet(true, false)) {
						logger.info("llmcache: Redis reconnected; dropping this instance's L1, which may have missed "
								+ "invalidations");
						this.cache.clearLocal();
					}
				});
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: cannot watch Redis reconnections (" + ex + "); L1 copies may outlive "
					+ "invalidations missed during an outage until they expire");
			return null;
		}
	}

	/**
	 * Subscribes once the application context is ready, in the background, waiting at most two
	 * seconds for the subscription to be confirmed.
	 */
	@Override
	public synchronized void start() {
		if (this.subscriber != null) {
			return;
		}
		this.destroyed = false;
		this.unreachable = false;
		this.stopping = new CountDownLatch(1);
		// Until it hears invalidations, an L1 copy could outlive an eviction made elsewhere meanwhile.
		this.cache.setLocalReadable(false);
		Thread thread = new Thread(this::subscribeUntilStarted, "llmcache-invalidations");
		thread.setDaemon(true);
		this.subscriber = thread;
		thread.start();
		this.connectionEvents = subscribeToConnectionEvents(this.connectionFactory);
		this.cache.setBroadcaster(this);
		// Ready means subscribed: wait a little for it, so that the application's first calls do not
		// race the subscription for a connection that is still warming up. Redis down is not waited for.
		long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		try {
			while (!this.unreachable && System.nanoTime() - giveUpAt < 0
					&& !this.probeReceived.await(20, TimeUnit.MILLISECONDS)) {
				// waiting for the own probe, or for the subscriber to find Redis unreachable
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Unsubscribes, after the background subscriber has ended: a subscription still being made while
	 * the connection factory stops is what logged errors at shutdown.
	 */
	@Override
	public synchronized void stop() {
		Thread thread = this.subscriber;
		if (thread == null) {
			return;
		}
		this.destroyed = true;
		this.stopping.countDown();
		Thread beating = this.heartbeat;
		if (beating != null) {
			beating.interrupt();
		}
		try {
			// At most one subscription attempt (bounded by the container's registration wait) and one probe.
			thread.join(10_000);
			if (beating != null) {
				beating.join(1_000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.heartbeat = null;
		Disposable events = this.connectionEvents;
		if (events != null) {
			events.dispose();
			this.connectionEvents = null;
		}
		this.container.stop();
		this.subscriber = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.subscriber != null;
	}

	/** Stopped before the Redis tier it publishes through. */
	@Override
	public int getPhase() {
		return RedisTier.PHASE + 1;
	}

	@Override
	public void destroy() throws Exception {
		stop();
		this.container.destroy();
	}

}
