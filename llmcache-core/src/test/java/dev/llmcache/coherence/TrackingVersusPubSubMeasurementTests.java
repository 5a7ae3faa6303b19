package dev.llmcache.coherence;

import dev.llmcache.test.RealParts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmcache.test.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures the two ways an instance can hear of evictions for its L1 on one real redis-server: our
 * pub/sub channel, and Redis's server-assisted client-side caching ({@code CLIENT TRACKING} over
 * RESP3). The same N evictions (a DEL and a PUBLISH each) are heard by both receivers; once with
 * both connections intact, once with both connections killed by the server half way. Prints lost
 * invalidations and delivery lag; the figures are in docs/consistency.md. Not a speed target: the
 * assertions are only about what is lost.
 */
class TrackingVersusPubSubMeasurementTests {

	private static final int EVICTIONS = 400;

	private static final String CHANNEL = "measure:invalidations";

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void withBothConnectionsIntactNeitherLosesAnInvalidation() throws Exception {
		Result result = run(false);
		assertThat(result.pubSubHeard).isEqualTo(EVICTIONS);
		assertThat(result.trackingHeard).isEqualTo(EVICTIONS);
	}

	@Test
	void withBothConnectionsCutTrackingAtLeastSignalsTheLoss() throws Exception {
		Result result = run(true);
		// What tracking does not deliver, its client can still tell: the connection id changed, so L1
		// must be flushed. Pub/sub gives no such signal beyond the reconnection itself.
		assertThat(result.trackingHeard == EVICTIONS || result.trackingReconnected)
			.as("tracking lost invalidations without a visible reconnection")
			.isTrue();
	}

	private Result run(boolean cut) throws Exception {
		redis.flushAll();
		RedisURI uri = RedisURI.create(redis.host(), redis.port());
		RedisClient client = RedisClient.create(uri);
		RedisClient resp3 = RedisClient.create(uri);
		resp3.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
		try (StatefulRedisConnection<String, String> writer = client.connect();
				StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				StatefulRedisConnection<String, String> tracker = resp3.connect()) {
			Map<String, Long> sentAt = new ConcurrentHashMap<>();
			Map<String, Long> pubSubAt = new ConcurrentHashMap<>();
			Map<String, Long> trackingAt = new ConcurrentHashMap<>();
			subscriber.addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					pubSubAt.putIfAbsent(message, System.nanoTime());
				}
			});
			subscriber.sync().subscribe(CHANNEL);
			tracker.addListener(push -> {
				if ("invalidate".equals(push.getType())) {
					long now = System.nanoTime();
					for (Object part : push.getContent(StringCodec.UTF8::decodeKey)) {
						if (part instanceof List<?> keys) {
							for (Object key : keys) {
								trackingAt.putIfAbsent(String.valueOf(key), now);
							}
						}
					}
				}
			});
			tracker.sync().clientTracking(TrackingArgs.Builder.enabled());
			long trackerId = tracker.sync().clientId();
			for (int i = 0; i < EVICTIONS; i++) {
				writer.sync().set("k" + i, "v");
				tracker.sync().get("k" + i);
			}
			for (int i = 0; i < EVICTIONS; i++) {
				if (cut && i == EVICTIONS / 2) {
					writer.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
					writer.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(trackerId));
				}
				String key = "k" + i;
				sentAt.put(key, System.nanoTime());
				writer.sync().del(key);
				writer.sync().publish(CHANNEL, key);
			}
			long deadline = System.nanoTime() + 2_000_000_000L;
			while (System.nanoTime() < deadline && (pubSubAt.size() < EVICTIONS || trackingAt.size() < EVICTIONS)) {
				Thread.sleep(20);
			}
			boolean reconnected;
			try {
				reconnected = tracker.sync().clientId() != trackerId;
			}
			catch (RuntimeException ex) {
				reconnected = true;
			}
			Result result = new Result(pubSubAt.size(), trackingAt.size(), reconnected);
			System.out.printf("%s: %d evictions; pub/sub heard %d (lag ms p50 %.2f, max %.2f); tracking heard %d "
					+ "(lag ms p50 %.2f, max %.2f); tracking connection replaced: %s%n", cut ? "cut" : "intact", EVICTIONS,
					result.pubSubHeard, lag(sentAt, pubSubAt, 0.5), lag(sentAt, pubSubAt, 1.0), result.trackingHeard,
					lag(sentAt, trackingAt, 0.5), lag(sentAt, trackingAt, 1.0), reconnected);
			return result;
		}
		finally {
			client.shutdown();
			resp3.shutdown();
		}
	}

	private static double lag(Map<String, Long> sentAt, Map<String, Long> heardAt, double quantile) {
		List<Long> lags = new ArrayList<>();
		heardAt.forEach((key, at) -> lags.add(at - sentAt.get(key)));
		if (lags.isEmpty()) {
			return Double.NaN;
		}
		Collections.sort(lags);
		return lags.get((int) Math.min(lags.size() - 1, Math.floor(quantile * lags.size()))) / 1e6;
	}

	private record Result(int pubSubHeard, int trackingHeard, boolean trackingReconnected) {
	}

}
