package dev.llmcache.coherence;

import java.nio.charset.StandardCharsets;
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
public final class RedisL1Coherence implements InvalidationBroadcaster, MessageListener, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisL1Coherence.class);

	private final TieredCache cache;

	private final RedisTier redis;

	private static final long PROBE_PATIENCE_MILLIS = 10_000;

	private final byte[] channel;

	private final String instanceId = UUID.randomUUID().toString();

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RedisMessageListenerContainer container;

	private final AtomicBoolean connectionLost = new AtomicBoolean();

	private final @Nullable Disposable connectionEvents;

	private final Thread subscriber;

	private volatile boolean destroyed;

	// Counted down when this instance receives its own probe: from then on it hears every invalidation.
	private final CountDownLatch probeReceived = new CountDownLatch(1);

	/**
	 * Subscribe to the invalidation channel and register as the cache's broadcaster.
	 * @param channel the pub/sub channel, such as {@code llmcache:invalidations}
	 */
	public RedisL1Coherence(TieredCache cache, RedisTier redis, LettuceConnectionFactory connectionFactory,
			String channel) {
		this.cache = cache;
		this.redis = redis;
		this.channel = channel.getBytes(StandardCharsets.UTF_8);
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		this.container.setRecoveryInterval(1000);
		this.container.addMessageListener(this, new ChannelTopic(channel));
		this.container.afterPropertiesSet();
		// Until it hears invalidations, an L1 copy could outlive an eviction made elsewhere meanwhile.
		cache.setLocalReadable(false);
		this.subscriber = new Thread(this::subscribeUntilStarted, "llmcache-invalidations");
		this.subscriber.setDaemon(true);
		this.subscriber.start();
		this.connectionEvents = subscribeToConnectionEvents(connectionFactory);
		cache.setBroadcaster(this);
	}

	@Override
	public void evicted(CacheKey key) {
		ObjectNode message = message("evict", key.namespace());
		if (key.partition() != null) {
			message.put("p", key.partition());
		}
		message.put("h", key.hash());
		send(message);
	}

	@Override
	public void cleared(String namespace) {
		send(message("clear", namespace));
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		try {
			JsonNode node = this.mapper.readTree(message.getBody());
			if (this.instanceId.equals(node.path("i").asString(""))) {
				if ("probe".equals(node.path("op").asString(""))) {
					this.probeReceived.countDown();
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

	private void send(ObjectNode message) {
		if (!this.redis.publish(this.channel, this.mapper.writeValueAsBytes(message))) {
			logger.debug("llmcache: an invalidation could not be published; other instances keep their L1 copy "
					+ "until it expires or they reconnect");
		}
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
				// Redis is unreachable: nobody can publish an invalidation this instance would miss,
				// and a reconnection drops L1 (see subscribeToConnectionEvents).
				this.cache.setLocalReadable(true);
				if (!warned) {
					logger.warn("llmcache: cannot subscribe to L1 invalidations yet (" + ex.getMessage()
							+ "); retrying in the background");
					warned = true;
				}
				try {
					Thread.sleep(1000);
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
				if (!this.redis.publish(this.channel, this.mapper.writeValueAsBytes(message("probe", "")))) {
					// Redis does not answer: no invalidation can be missed now, and a reconnection drops L1.
					break;
				}
				if (this.probeReceived.await(200, TimeUnit.MILLISECONDS)) {
					break;
				}
				if (System.currentTimeMillis() >= giveUpAt) {
					logger.warn("llmcache: subscribed to L1 invalidations but could not confirm it; L1 answers again "
							+ "and may keep a copy another instance evicted until it expires");
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.cache.clearLocal();
		this.cache.setLocalReadable(true);
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

	@Override
	public void destroy() throws Exception {
		this.destroyed = true;
		this.subscriber.interrupt();
		if (this.connectionEvents != null) {
			this.connectionEvents.dispose();
		}
		this.container.stop();
		this.container.destroy();
	}

}
