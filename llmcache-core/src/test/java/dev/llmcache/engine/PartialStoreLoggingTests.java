package dev.llmcache.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.LlmCacheSerializer;
import dev.llmcache.codec.ValueType;
import dev.llmcache.key.CacheKey;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that fails partway says what became of the entry (issue: "storing ... failed; the
 * result is returned but not cached" was logged for an entry that had been stored).
 */
class PartialStoreLoggingTests {

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final List<CallEvent> events = new CopyOnWriteArrayList<>();

	@BeforeEach
	void captureLog() {
		this.log.start();
		((Logger) LoggerFactory.getLogger(LlmCacheEngine.class)).addAppender(this.log);
		((Logger) LoggerFactory.getLogger(LoggingLlmCacheErrorHandler.class)).addAppender(this.log);
	}

	@AfterEach
	void releaseLog() {
		((Logger) LoggerFactory.getLogger(LlmCacheEngine.class)).detachAppender(this.log);
		((Logger) LoggerFactory.getLogger(LoggingLlmCacheErrorHandler.class)).detachAppender(this.log);
	}

	@Test
	void anEmbeddingFailureIsReportedAsStoredWithoutASemanticIndexEntry() throws Throwable {
		LlmCacheEngine engine = engine();
		engine.setSemanticTier(new SemanticTier() {

			@Override
			public @Nullable Match find(CachedCall call, SemanticQuery query) {
				return null;
			}

			@Override
			public void stored(CachedCall call, SemanticQuery query, CachedValue entry) {
				throw new IllegalArgumentException("cannot embed an empty text");
			}

		});
		CachedCall call = call("semantic").withSemantic(new SemanticQuery("bucket", "", 0.9, 4));
		assertThat(engine.call(call, () -> "the answer")).isEqualTo("the answer");
		assertThat(engine.call(call, () -> "a second model call")).as("the entry was stored").isEqualTo("the answer");
		assertThat(this.events).extracting(CallEvent::outcome).containsExactly(Outcome.MISS, Outcome.L1_HIT);
		assertThat(this.events.get(0).entry()).as("the miss reports the entry it stored").isNotNull();
		assertThat(messages()).singleElement()
			.asString()
			.startsWith("llmcache: stored " + call.key().hash() + " in 'ns' without a semantic index entry")
			.endsWith("java.lang.IllegalArgumentException: cannot embed an empty text")
			.doesNotContain("not cached");
	}

	@Test
	void aValueThatCannotBeSerializedIsReportedAsNotStored() throws Throwable {
		JsonLlmCacheSerializer json = new JsonLlmCacheSerializer();
		LlmCacheSerializer refusing = new LlmCacheSerializer() {

			@Override
			public byte[] serialize(CachedValue value, ValueType type) {
				throw new IllegalStateException("cannot serialize this value");
			}

			@Override
			public CachedValue deserialize(byte[] bytes, ValueType type) {
				return json.deserialize(bytes, type);
			}

		};
		LlmCacheEngine engine = engine(new TieredCache(new LocalTier(1_000_000), null, refusing, 0));
		CachedCall call = call("unserializable");
		assertThat(engine.call(call, () -> "the answer")).isEqualTo("the answer");
		assertThat(this.events).extracting(CallEvent::outcome).containsExactly(Outcome.MISS);
		assertThat(this.events.get(0).entry()).isNull();
		assertThat(engine.cache().get(call.key(), call.type(), true).isHit()).isFalse();
		assertThat(messages()).singleElement()
			.asString()
			.isEqualTo("llmcache: storing " + call.key().hash() + " in 'ns' failed; the result is returned but not "
					+ "cached: java.lang.IllegalStateException: cannot serialize this value");
	}

	private List<String> messages() {
		return this.log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	private LlmCacheEngine engine() {
		return engine(new TieredCache(new LocalTier(1_000_000), null, new JsonLlmCacheSerializer(), 0));
	}

	private LlmCacheEngine engine(TieredCache cache) {
		return new LlmCacheEngine(cache, CacheabilityPolicy.defaults(), new LoggingLlmCacheErrorHandler(),
				FlightSettings.defaults(), this.events::add);
	}

	private static CachedCall call(String id) {
		String hash = String.format("%064x", new java.math.BigInteger(1, id.getBytes(StandardCharsets.UTF_8)));
		return new CachedCall(new CacheKey("ns", null, hash.substring(hash.length() - 64)), ValueType.of(String.class),
				Duration.ofMinutes(5));
	}

}
