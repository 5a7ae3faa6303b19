package dev.llmcache.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.ValueType;
import dev.llmcache.engine.AsyncCalls;
import dev.llmcache.engine.CachedCall;
import dev.llmcache.engine.FlightSettings;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.LoggingLlmCacheErrorHandler;
import dev.llmcache.engine.Outcome;
import dev.llmcache.key.CacheKey;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.semantic.SemanticListener;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.usage.ChatModelUsageObservationHandler;
import dev.llmcache.observation.DefaultLookupObservationConvention;
import dev.llmcache.observation.DefaultModelCallObservationConvention;
import dev.llmcache.observation.LookupObservationContext;
import dev.llmcache.test.RealParts;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Counters, tokens and money saved after a scripted sequence of misses and hits, through the real
 * OpenAI client (whose usage reaches entries of text-returning calls through the observation
 * handler), a real Redis and Micrometer's simple registry.
 */
class LlmCacheMetricsTests {

	private static final ValueType STRING = ValueType.of(String.class);

	private static final PricingTable PRICING = new PricingTable(
			Map.of("gpt-4o-mini", new ModelPrice(new BigDecimal("0.15"), new BigDecimal("0.60"))));

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private LettuceConnectionFactory factory;

	private RedisTier redisTier;

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final LlmCacheStatistics statistics = new LlmCacheStatistics(PRICING);

	@BeforeEach
	void setUp() {
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.redisTier = new RedisTier(this.factory, "metrics:", Duration.ofSeconds(1), Duration.ofMillis(200));
		this.observations.observationConfig().observationHandler(new ChatModelUsageObservationHandler());
	}

	@AfterEach
	void tearDown() {
		this.redisTier.destroy();
		this.factory.destroy();
	}

	@Test
	void scriptedMissesAndHitsGiveExactCountsTokensAndCost() throws Throwable {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		TieredCache cache = new TieredCache(new LocalTier(10_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		LlmCacheEngine engine = engine(cache);
		ChatModel model = chatModel();
		String first = "What is the capital of France?";
		String second = "Name three prime numbers, please.";

		engine.call(call("faq", first), () -> model.call(first)); // miss
		engine.call(call("faq", first), () -> model.call(first)); // L1 hit
		cache.clearLocal();
		engine.call(call("faq", first), () -> model.call(first)); // L2 hit
		engine.call(call("chat", second), () -> model.call(second)); // miss
		engine.call(call("chat", second), () -> model.call(second)); // L1 hit
		engine.call(call("chat", second), () -> model.call(second)); // L1 hit
		engine.bypass("chat", () -> model.call(second)); // bypass
		assertThat(server.requestCount()).isEqualTo(3);

		long firstIn = tokens(first.length());
		long firstOut = tokens(MockOpenAiServer.expectedAnswer(first).length());
		long secondIn = tokens(second.length());
		long secondOut = tokens(MockOpenAiServer.expectedAnswer(second).length());
		long savedIn = 2 * firstIn + 2 * secondIn;
		long savedOut = 2 * firstOut + 2 * secondOut;
		BigDecimal savedCost = new BigDecimal("0.15").multiply(BigDecimal.valueOf(savedIn))
			.add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(savedOut)))
			.divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL128);

		LlmCacheStatistics.Snapshot snapshot = this.statistics.snapshot();
		LlmCacheStatistics.NamespaceSnapshot faq = snapshot.namespaces().get("faq");
		assertThat(faq.count(Outcome.MISS)).isEqualTo(1);
		assertThat(faq.count(Outcome.L1_HIT)).isEqualTo(1);
		assertThat(faq.count(Outcome.L2_HIT)).isEqualTo(1);
		assertThat(faq.stored()).isEqualTo(1);
		assertThat(faq.inputTokensSaved()).isEqualTo(2 * firstIn);
		assertThat(faq.outputTokensSaved()).isEqualTo(2 * firstOut);
		LlmCacheStatistics.NamespaceSnapshot chat = snapshot.namespaces().get("chat");
		assertThat(chat.count(Outcome.MISS)).isEqualTo(1);
		assertThat(chat.count(Outcome.L1_HIT)).isEqualTo(2);
		assertThat(chat.count(Outcome.BYPASS)).isEqualTo(1);
		assertThat(chat.lookups()).isEqualTo(3);
		assertThat(chat.hitRatio()).isEqualTo(2.0 / 3);
		LlmCacheStatistics.NamespaceSnapshot total = snapshot.total();
		assertThat(total.hits()).isEqualTo(4);
		assertThat(total.inputTokensSaved()).isEqualTo(savedIn);
		assertThat(total.outputTokensSaved()).isEqualTo(savedOut);
		assertThat(total.costSaved()).isEqualByComparingTo(savedCost);

		assertThat(this.meters.get("llmcache.requests").tags("namespace", "faq", "outcome", "miss").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("llmcache.requests").tags("namespace", "faq", "outcome", "l2_hit").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("llmcache.requests").tags("namespace", "chat", "outcome", "l1_hit").counter().count())
			.isEqualTo(2);
		assertThat(this.meters.get("llmcache.requests").tags("namespace", "chat", "outcome", "bypass").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("llmcache.tokens.saved").tags("type", "input").counters().stream()
			.mapToDouble(c -> c.count()).sum()).isEqualTo(savedIn);
		assertThat(this.meters.get("llmcache.tokens.saved").tags("type", "output", "model", "gpt-4o-mini").counters()
			.stream().mapToDouble(c -> c.count()).sum()).isEqualTo(savedOut);
		assertThat(this.meters.get("llmcache.cost.saved").counters().stream().mapToDouble(c -> c.count()).sum())
			.isCloseTo(savedCost.doubleValue(), within(1e-12));
		// Timed once, through the observations: no other timer of ours.
		assertThat(this.meters.getMeters()).filteredOn(meter -> meter instanceof Timer)
			.extracting(meter -> meter.getId().getName())
			.filteredOn(name -> name.startsWith("llmcache"))
			.containsOnly("llmcache.lookup", "llmcache.model.call");
		assertThat(this.meters.get("llmcache.model.call").tags("llmcache.namespace", "chat").timer().count())
			.isEqualTo(1);
		assertThat(this.meters.get("llmcache.lookup").tags("llmcache.namespace", "faq").timers().stream()
			.mapToLong(t -> t.count()).sum()).isEqualTo(3);
		assertThat(this.meters.get("llmcache.lookup").tags("llmcache.namespace", "chat", "llmcache.outcome", "l1_hit")
			.timer().count()).isEqualTo(2);
	}

	@Test
	void embeddingCallsArePricedAsInputTokensAndSubtractedFromTheNetSaving() {
		PricingTable pricing = new PricingTable(Map.of("gpt-4o-mini",
				new ModelPrice(new BigDecimal("0.15"), new BigDecimal("0.60")), "text-embedding-3-small",
				new ModelPrice(new BigDecimal("0.02"), BigDecimal.ZERO)));
		LlmCacheStatistics statistics = new LlmCacheStatistics(pricing);
		MicrometerLlmCacheListener micrometer = new MicrometerLlmCacheListener(this.meters, pricing);
		for (SemanticListener listener : List.<SemanticListener>of(statistics, micrometer)) {
			listener.embedded("faq", "text-embedding-3-small", 1_000_000);
			listener.embedded("faq", "text-embedding-3-small", 500_000);
			listener.embedded("faq", "all-minilm-l6-v2-q", 300);
			listener.embedded("faq", null, 0);
		}
		LlmCacheStatistics.NamespaceSnapshot faq = statistics.snapshot().namespaces().get("faq");
		assertThat(faq.embeddingTokens()).isEqualTo(1_500_300);
		assertThat(faq.embeddingCost()).isEqualByComparingTo("0.03");
		assertThat(faq.costSaved()).isEqualByComparingTo("0");
		assertThat(faq.netCostSaved()).isEqualByComparingTo("-0.03");
		assertThat(this.meters.get("llmcache.cost.embedding").tags("namespace", "faq", "model", "text-embedding-3-small")
			.counter().count()).isCloseTo(0.03, within(1e-12));
		assertThat(this.meters.find("llmcache.cost.embedding").tags("model", "all-minilm-l6-v2-q").counter())
			.as("an unpriced model costs nothing").isNull();
		assertThat(this.meters.get("llmcache.tokens.embedding").tags("namespace", "faq", "model", "all-minilm-l6-v2-q")
			.counter().count()).isEqualTo(300);
	}

	@Test
	void aMissNeverCountsAsSavedEvenWhenItsResultIsStored() throws Throwable {
		LlmCacheEngine engine = engine(new TieredCache(new LocalTier(10_000_000), null, new JsonLlmCacheSerializer(), 0));
		ChatModel model = chatModel();
		engine.call(call("once", "Only once"), () -> model.call("Only once"));
		assertThat(this.statistics.snapshot().total().inputTokensSaved()).isZero();
		assertThat(this.statistics.snapshot().total().costSaved()).isEqualByComparingTo(BigDecimal.ZERO);
		assertThat(this.meters.find("llmcache.tokens.saved").counters()).isEmpty();
		assertThat(this.meters.find("llmcache.cost.saved").counters()).isEmpty();
	}

	@Test
	void entriesOfTextMethodsKeepTheUsageTheModelReported() throws Throwable {
		TieredCache cache = new TieredCache(new LocalTier(10_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		LlmCacheEngine engine = engine(cache);
		ChatModel model = chatModel();
		String question = "How tall is Mont Blanc?";
		engine.call(call("usage", question), () -> model.call(question));
		TieredCache.Lookup lookup = cache.get(call("usage", question).key(), STRING, false);
		assertThat(lookup.tier()).isSameAs(this.redisTier);
		assertThat(lookup.value().usage().inputTokens()).isEqualTo(tokens(question.length()));
		assertThat(lookup.value().usage().outputTokens())
			.isEqualTo(tokens(MockOpenAiServer.expectedAnswer(question).length()));
		assertThat(lookup.value().model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void spansShowNamespaceOutcomeTierAndEntryAge() throws Throwable {
		TieredCache cache = new TieredCache(new LocalTier(10_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		LlmCacheEngine engine = engine(cache);
		ChatModel model = chatModel();
		engine.call(call("traced", "Trace me"), () -> model.call("Trace me"));
		cache.clearLocal();
		engine.call(call("traced", "Trace me"), () -> model.call("Trace me"));
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo("llmcache.model.call")
			.that()
			.hasLowCardinalityKeyValue("llmcache.namespace", "traced")
			.hasBeenStopped();
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasAnObservation(observation -> observation.hasNameEqualTo("llmcache.lookup")
				.hasLowCardinalityKeyValue("llmcache.outcome", "miss")
				.hasLowCardinalityKeyValue("llmcache.tier", "none"))
			.hasAnObservation(observation -> observation.hasNameEqualTo("llmcache.lookup")
				.hasLowCardinalityKeyValue("llmcache.namespace", "traced")
				.hasLowCardinalityKeyValue("llmcache.outcome", "l2_hit")
				.hasLowCardinalityKeyValue("llmcache.tier", "l2")
				.hasLowCardinalityKeyValue("llmcache.hit", "true")
				.hasHighCardinalityKeyValueWithKey("llmcache.entry.age.ms"));
	}

	@Test
	void anApplicationConventionRenamesAndRetagsTheObservations() throws Throwable {
		LlmCacheEngine engine = engine(new TieredCache(new LocalTier(10_000_000), null, new JsonLlmCacheSerializer(), 0));
		engine.setObservationConventions(new DefaultLookupObservationConvention() {

			@Override
			public String getName() {
				return "cache.lookup";
			}

			@Override
			public KeyValues getLowCardinalityKeyValues(LookupObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "search");
			}

		}, new DefaultModelCallObservationConvention() {

			@Override
			public String getName() {
				return "cache.model";
			}

		});
		ChatModel model = chatModel();
		engine.call(call("renamed", "Rename me"), () -> model.call("Rename me"));
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo("cache.model")
			.that()
			.hasLowCardinalityKeyValue("llmcache.namespace", "renamed");
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo("cache.lookup")
			.that()
			.hasLowCardinalityKeyValue("team", "search")
			.hasLowCardinalityKeyValue("llmcache.outcome", "miss");
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo("llmcache.lookup", 0);
	}

	@Test
	void lookupSpanStartsBeforeTheTiersAreAskedAndEndsBeforeTheModelIsCalled() throws Throwable {
		List<String> timeline = recordTimeline();
		TieredCache cache = new TieredCache(new LocalTier(10_000_000), this.redisTier, new JsonLlmCacheSerializer(), 0);
		LlmCacheEngine engine = engine(cache);
		ChatModel model = chatModel();
		engine.call(call("timed", "Time me"), () -> {
			timeline.add("model asked");
			return model.call("Time me");
		});
		engine.call(call("timed", "Time me"), () -> {
			throw new AssertionError("a hit must not call the model");
		});
		assertThat(timeline).containsExactly("start llmcache.lookup", "stop llmcache.lookup miss",
				"start llmcache.model.call", "model asked", "stop llmcache.model.call", "start llmcache.lookup",
				"stop llmcache.lookup l1_hit");
	}

	@Test
	void anAsynchronousLookupSpanAlsoEndsBeforeTheModelIsCalled() throws Exception {
		List<String> timeline = recordTimeline();
		LlmCacheEngine engine = engine(new TieredCache(new LocalTier(10_000_000), null, new JsonLlmCacheSerializer(), 0));
		java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			AsyncCalls async = new AsyncCalls(engine, io, 0, Duration.ZERO);
			Object first = async.future(call("async", "Later"), () -> {
				timeline.add("model asked");
				return java.util.concurrent.CompletableFuture.completedFuture("an answer");
			}).get(5, java.util.concurrent.TimeUnit.SECONDS);
			Object second = async.future(call("async", "Later"), () -> {
				throw new AssertionError("a hit must not call the model");
			}).get(5, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(second).isEqualTo(first);
			// One flow for every return type: an asynchronous model call is observed as a plain one is.
			assertThat(timeline).containsExactly("start llmcache.lookup", "stop llmcache.lookup miss",
					"start llmcache.model.call", "model asked", "stop llmcache.model.call", "start llmcache.lookup",
					"stop llmcache.lookup l1_hit");
		}
		finally {
			io.shutdownNow();
		}
	}

	/** Starts and stops of llmcache's observations, with their outcome, in order. */
	private List<String> recordTimeline() {
		List<String> timeline = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.observations.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

			@Override
			public void onStart(Observation.Context context) {
				if (context.getName().startsWith("llmcache.")) {
					timeline.add("start " + context.getName());
				}
			}

			@Override
			public void onStop(Observation.Context context) {
				if (!context.getName().startsWith("llmcache.")) {
					return;
				}
				KeyValue outcome = context.getLowCardinalityKeyValue("llmcache.outcome");
				timeline.add("stop " + context.getName() + ((outcome != null) ? " " + outcome.getValue() : ""));
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		return timeline;
	}

	private LlmCacheEngine engine(TieredCache cache) {
		MicrometerLlmCacheListener micrometer = new MicrometerLlmCacheListener(this.meters, PRICING);
		LlmCacheEngine engine = new LlmCacheEngine(cache, CacheabilityPolicy.defaults(),
				new LoggingLlmCacheErrorHandler(), FlightSettings.defaults(), event -> {
					micrometer.onCall(event);
					this.statistics.onCall(event);
				});
		engine.setObservationRegistry(this.observations);
		return engine;
	}

	private ChatModel chatModel() {
		return OpenAiChatModel.builder()
			.options(OpenAiTestModels.options(server, OpenAiTestModels.DEFAULT_MODEL).build())
			.observationRegistry(this.observations)
			.build();
	}

	private static CachedCall call(String namespace, String question) throws Exception {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(question.getBytes(StandardCharsets.UTF_8));
		return new CachedCall(new CacheKey(namespace, null, HexFormat.of().formatHex(digest)), STRING,
				Duration.ofMinutes(5));
	}

	/** The mock server's token count: a token per four characters, rounded up. */
	private static long tokens(int characters) {
		return (characters + 3) / 4;
	}

}
