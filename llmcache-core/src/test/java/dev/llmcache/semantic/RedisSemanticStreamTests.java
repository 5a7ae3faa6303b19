package dev.llmcache.semantic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.llmcache.codec.EncryptingStreamPayloadCodec;
import dev.llmcache.semantic.InMemorySemanticIndex.Vectors;
import dev.llmcache.semantic.SemanticIndex.Neighbor;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The shared semantic stream against a real Redis: bounded replay of the newest entries, then
 * following with blocking reads, through a Redis restart, until stopped.
 */
class RedisSemanticStreamTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final String KEY = "test:semantic";

	private final Random random = new Random(42);

	private final List<RedisSemanticStream> streams = new ArrayList<>();

	private LettuceConnectionFactory factory;

	@BeforeEach
	void connect() {
		RedisServerProcess redis = parts.redis();
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.factory.afterPropertiesSet();
		this.factory.start();
	}

	@AfterEach
	void close() {
		this.streams.forEach(RedisSemanticStream::destroy);
		this.factory.destroy();
	}

	@Test
	void aStartingInstanceReplaysWhatOthersIndexedThenFollowsWhatTheyIndexNext() {
		InMemorySemanticIndex first = index(1000);
		RedisSemanticStream publisher = stream(first, Long.MAX_VALUE);
		publisher.start();
		for (int i = 0; i < 30; i++) {
			publisher.publish(entry("b", "h" + i, unit()));
		}
		await(() -> streamLength() == 30);
		InMemorySemanticIndex second = index(1000);
		RedisSemanticStream follower = stream(second, Long.MAX_VALUE);
		follower.start();
		assertThat(follower.replayed()).isEqualTo(30);
		assertThat(second.size()).as("replayed before start() returns").isEqualTo(30);
		float[] later = unit();
		publisher.publish(entry("b", "later", later));
		await(() -> second.contains("b", "later"));
		assertThat(second.nearest("b", "", later, 1, 0.9).get(0).entry().hash()).isEqualTo("later");
		// An instance does not index its own entries twice.
		assertThat(first.size()).isZero();
	}

	@Test
	void replayStopsAtItsLimitKeepingTheNewestVersionOfEachEntry() {
		StringRedisTemplate redis = new StringRedisTemplate(this.factory);
		float[] newest = unit();
		for (int i = 0; i < 50; i++) {
			append(redis, entry("b", "h" + i, unit()));
		}
		// h45 written again last: the replay, newest first, takes this version and skips the older one.
		append(redis, entry("b", "h45", newest));
		append(redis, new IndexedRequest("b", "ns", null, "expired", "t", unit(), System.currentTimeMillis() - 1));
		InMemorySemanticIndex index = index(1000);
		RedisSemanticStream stream = stream(index, 20);
		stream.start();
		assertThat(stream.replayed()).isEqualTo(20);
		assertThat(index.size()).isEqualTo(20);
		// h45 again, h49 to h46, then (h45 skipped) h44 to h30: twenty.
		for (int i = 30; i < 50; i++) {
			assertThat(index.contains("b", "h" + i)).as("h" + i).isTrue();
		}
		assertThat(index.contains("b", "h29")).isFalse();
		assertThat(index.contains("b", "expired")).isFalse();
		assertThat(index.nearest("b", "", newest, 1, 0.99)).extracting(n -> n.entry().hash()).containsExactly("h45");
	}

	@Test
	void replayedEntriesAreEvictedOldestFirstAfterTheOnesIndexedSince() {
		StringRedisTemplate redis = new StringRedisTemplate(this.factory);
		for (int i = 0; i < 10; i++) {
			append(redis, entry("b", "h" + i, unit()));
		}
		InMemorySemanticIndex index = index(10);
		stream(index, Long.MAX_VALUE).start();
		index.add(entry("b", "fresh", unit()));
		// One over ten, plus the slack of one: the two oldest of the stream.
		assertThat(index.contains("b", "h0")).isFalse();
		assertThat(index.contains("b", "h1")).isFalse();
		assertThat(index.contains("b", "h2")).isTrue();
		assertThat(index.contains("b", "fresh")).isTrue();
	}

	@Test
	void followingGoesOnAfterRedisRestarts() {
		InMemorySemanticIndex index = index(1000);
		RedisSemanticStream follower = stream(index, Long.MAX_VALUE);
		follower.start();
		StringRedisTemplate redis = new StringRedisTemplate(this.factory);
		append(redis, entry("b", "before", unit()));
		await(() -> index.contains("b", "before"));
		parts.redis().restart();
		await(() -> {
			try {
				append(redis, entry("b", "after", unit()));
				return true;
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		await(() -> index.contains("b", "after"));
	}

	@Test
	void destroyStopsTheFollower() {
		// Other classes in this JVM may run followers of their own: only this stream's count.
		Set<Thread> before = followerThreads();
		RedisSemanticStream stream = stream(index(1000), Long.MAX_VALUE);
		stream.start();
		Set<Thread> mine = followerThreads();
		mine.removeAll(before);
		assertThat(mine).isNotEmpty();
		stream.destroy();
		try {
			await(() -> mine.stream().noneMatch(Thread::isAlive));
		}
		catch (AssertionError ex) {
			StringBuilder stacks = new StringBuilder();
			mine.forEach(t -> stacks.append(t).append('\n').append(java.util.Arrays.toString(t.getStackTrace())));
			throw new AssertionError("follower still alive: " + stacks, ex);
		}
	}

	/**
	 * Spring Data Redis's poll task marks itself running when its thread starts: a container
	 * stopped before that thread ran was left polling forever, here on a closed connection.
	 */
	@Test
	void aStreamDestroyedRightAfterItStartedLeavesNoFollowerPolling() {
		Set<Thread> before = followerThreads();
		for (int i = 0; i < 20; i++) {
			RedisSemanticStream stream = stream(index(1000), Long.MAX_VALUE);
			stream.start();
			stream.destroy();
		}
		await(() -> followerThreads().stream().noneMatch(t -> !before.contains(t)));
	}

	@Test
	void entriesArePublishedQuantizedAndEntriesOfEitherPayloadVersionReplay() {
		RedisSemanticStream publisher = stream(index(1000), Long.MAX_VALUE);
		publisher.start();
		float[] published = unit();
		publisher.publish(entry("b", "new", published));
		await(() -> streamLength() == 1);
		StringRedisTemplate redis = new StringRedisTemplate(this.factory);
		Map<Object, Object> written = redis.opsForStream().range(KEY, org.springframework.data.domain.Range.unbounded())
			.get(0)
			.getValue();
		// A float scale and one byte per dimension, in Base64: 92 characters for 64 dimensions, not 344.
		assertThat(written).doesNotContainKey("v");
		assertThat((String) written.get("q")).hasSize(92);
		float[] old = unit();
		append(redis, entry("b", "old", old));
		InMemorySemanticIndex index = index(1000);
		RedisSemanticStream reader = stream(index, Long.MAX_VALUE);
		reader.start();
		assertThat(reader.replayed()).isEqualTo(2);
		assertThat(index.nearest("b", "", published, 1, 0.998)).extracting(n -> n.entry().hash()).containsExactly("new");
		assertThat(index.nearest("b", "", old, 1, 0.998)).extracting(n -> n.entry().hash()).containsExactly("old");
	}

	@Test
	void quantizedEntriesAreSealedByTheEncryptingCodecAndOpenedByIt() {
		Map<String, String> keys = Map.of("k1", java.util.Base64.getEncoder().encodeToString(new byte[32]));
		RedisSemanticStream publisher = stream(index(1000), Long.MAX_VALUE);
		publisher.setPayloadCodec(new EncryptingStreamPayloadCodec(keys, "k1", RedisSemanticStream.PROMPT_DERIVED_FIELDS));
		publisher.start();
		float[] vector = unit();
		publisher.publish(entry("b", "sealed", vector));
		await(() -> streamLength() == 1);
		Map<Object, Object> written = new StringRedisTemplate(this.factory).opsForStream()
			.range(KEY, org.springframework.data.domain.Range.unbounded())
			.get(0)
			.getValue();
		assertThat(written).containsKeys("e", "h").doesNotContainKeys("q", "v", "t");
		InMemorySemanticIndex index = index(1000);
		RedisSemanticStream reader = stream(index, Long.MAX_VALUE);
		reader.setPayloadCodec(new EncryptingStreamPayloadCodec(keys, "k1", RedisSemanticStream.PROMPT_DERIVED_FIELDS));
		reader.start();
		List<Neighbor> found = index.nearest("b", "", vector, 1, 0.998);
		assertThat(found).extracting(n -> n.entry().text()).containsExactly("text sealed");
	}

	@Test
	void aBucketReplayedPastTheGraphThresholdIsLinkedOnceTheReplayIsOver() {
		StringRedisTemplate redis = new StringRedisTemplate(this.factory);
		List<float[]> vectors = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			vectors.add(unit());
			append(redis, entry("b", "h" + i, vectors.get(i)));
		}
		InMemorySemanticIndex index = index(1000);
		stream(index, Long.MAX_VALUE).start();
		// Graphs are built on the calling thread here (Runnable::run): once, after the last entry.
		assertThat(index.isApproximate("b")).isTrue();
		for (int i = 0; i < 150; i += 10) {
			assertThat(index.nearest("b", "", vectors.get(i), 1, 0.99)).extracting(n -> n.entry().hash())
				.containsExactly("h" + i);
		}
	}

	@Test
	void aNegativeReplayLimitIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisSemanticStream(this.factory, KEY, index(10), 100, Duration.ofMillis(100), -1))
			.withMessage("replayLimit must not be negative, got -1");
	}

	private static Set<Thread> followerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(t -> t.isAlive() && t.getName().equals("llmcache-semantic-follower"))
			.collect(Collectors.toCollection(HashSet::new));
	}

	private long streamLength() {
		Long length = new StringRedisTemplate(this.factory).opsForStream().size(KEY);
		return (length != null) ? length : 0;
	}

	/** What another instance's publisher appends. */
	private static void append(StringRedisTemplate redis, IndexedRequest entry) {
		redis.opsForStream()
			.add(MapRecord.create(KEY, Map.of("i", "other", "b", entry.bucket(), "ns", entry.namespace(), "h",
					entry.hash(), "t", entry.text(), "x", Long.toString(entry.expiresAt()), "v",
					RedisSemanticStream.encode(entry.vector()))));
	}

	private RedisSemanticStream stream(SemanticIndex index, long replayLimit) {
		RedisSemanticStream stream = new RedisSemanticStream(this.factory, KEY, index, 10_000, Duration.ofMillis(200),
				replayLimit);
		this.streams.add(stream);
		return stream;
	}

	private static InMemorySemanticIndex index(int maxEntries) {
		return new InMemorySemanticIndex(100, maxEntries, maxEntries, Vectors.INT8, Runnable::run);
	}

	private static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not within 20 s");
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private static IndexedRequest entry(String bucket, String hash, float[] vector) {
		return new IndexedRequest(bucket, "ns", null, hash, "text " + hash, vector, Long.MAX_VALUE);
	}

	private float[] unit() {
		float[] v = new float[64];
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) this.random.nextGaussian();
		}
		return EmbeddingCache.normalize(v);
	}

}
