package dev.llmcache.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.flight.LocalSingleFlight;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.flight.DistributedFlight;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.usage.ModelUsageRecorder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * Where a call meets the cache: look the key up in the tiers, coalesce identical misses (in this
 * JVM and, through a per-key lease in Redis, across instances), call the model on a real miss and
 * store what may be stored. The {@code @LlmCached} interceptor and the ChatClient advisor both go
 * through here, so they share tiers, policies and metrics.
 *
 * <p>A failure of the cache never fails the call; exceptions from the model propagate unchanged to
 * the caller and to every caller coalesced onto it, and are never cached. Thread-safe.
 */
public final class LlmCacheEngine {

	private static final Log logger = LogFactory.getLog(LlmCacheEngine.class);

	/** Name of the observation of the cache's part of a call. */
	static final String LOOKUP_OBSERVATION = "llmcache.lookup";

	private static final long FIRST_POLL_MILLIS = 10;

	private static final long MAX_POLL_MILLIS = 200;

	private final TieredCache cache;

	private final CacheabilityPolicy policy;

	private final LlmCacheErrorHandler errorHandler;

	private final LocalSingleFlight localFlight;

	private final FlightSettings flight;

	private final LlmCacheListener listener;

	private volatile @Nullable SemanticTier semanticTier;

	private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

	public LlmCacheEngine(TieredCache cache, CacheabilityPolicy policy, LlmCacheErrorHandler errorHandler,
			FlightSettings flight, LlmCacheListener listener) {
		this.cache = cache;
		this.policy = policy;
		this.errorHandler = errorHandler;
		this.flight = flight;
		this.localFlight = new LocalSingleFlight(flight.timeout());
		this.listener = listener;
	}

	/** The tier consulted after an exact miss for calls that carry a {@link SemanticQuery}. */
	public void setSemanticTier(@Nullable SemanticTier semanticTier) {
		this.semanticTier = semanticTier;
	}

	public @Nullable SemanticTier semanticTier() {
		return this.semanticTier;
	}

	/** Where spans of lookups and model calls go; none by default. */
	public void setObservationRegistry(ObservationRegistry observations) {
		this.observations = observations;
	}

	/** A call of the model (or of the method that calls it). */
	@FunctionalInterface
	public interface Invoker {

		@Nullable Object invoke() throws Throwable;

	}

	/**
	 * Answer a call from cache, or by invoking it.
	 * @throws Throwable what the invoker throws, unchanged
	 */
	public @Nullable Object call(CachedCall call, Invoker invoker) throws Throwable {
		LookupSpan span = startLookup(call);
		LlmCacheControl control = LlmCacheControl.current();
		if (control.skipsReads()) {
			TieredCache.Lookup lookup = lookup(call, false);
			return invokeAndStore(call, invoker, (lookup != null) ? lookup.withoutValue() : null, span, control);
		}
		TieredCache.Lookup lookup = lookup(call);
		if (lookup != null && lookup.isHit()) {
			CachedValue entry = lookup.value();
			answered(call, lookup.isSharedHit() ? Outcome.L2_HIT : Outcome.L1_HIT, entry, span, null);
			return entry.value();
		}
		SemanticQuery semantic = semanticQuery(call, control);
		SemanticTier.Match match = (semantic != null) ? findSemantic(call, semantic) : null;
		if (match != null && !this.semanticTier.isShadow()) {
			answered(call, Outcome.SEMANTIC_HIT, match.entry(), span, match.similarity());
			return match.entry().value();
		}
		LocalSingleFlight.Ticket ticket = this.localFlight.join(call.key(), (lookup != null) ? lookup.token() : null);
		if (!ticket.isLeader()) {
			Object shared = ticket.await();
			if (shared != LocalSingleFlight.NO_SHARED_RESULT) {
				answered(call, Outcome.COALESCED, null, span, null);
				return shared;
			}
			return invokeAndStore(call, invoker, lookup, span, control);
		}
		try {
			Object result = lead(call, invoker, lookup, span, control);
			ticket.succeed(result);
			if (match != null) {
				shadowed(call, semantic, match, result);
			}
			return result;
		}
		catch (Throwable ex) {
			ticket.fail(ex);
			throw ex;
		}
	}

	/** A call that may not use the cache at all: invoked and reported as a bypass. */
	public @Nullable Object bypass(String namespace, Invoker invoker) throws Throwable {
		long start = System.nanoTime();
		Object result = invoker.invoke();
		safeNotify(new CallEvent(namespace, Outcome.BYPASS, null, 0, System.nanoTime() - start, null));
		return result;
	}

	public TieredCache cache() {
		return this.cache;
	}

	public CacheabilityPolicy policy() {
		return this.policy;
	}

	private @Nullable Object lead(CachedCall call, Invoker invoker, TieredCache.@Nullable Lookup lookup,
			LookupSpan span, LlmCacheControl control) throws Throwable {
		DistributedFlight redis = this.cache.distributedFlight();
		if (!this.flight.distributed() || redis == null || lookup == null || !lookup.isConclusive()) {
			return invokeAndStore(call, invoker, lookup, span, control);
		}
		byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
		long leaseMillis = this.flight.lease().toMillis();
		long deadline = System.currentTimeMillis() + this.flight.timeout().toMillis();
		long pause = FIRST_POLL_MILLIS;
		DistributedFlight.Lease lease;
		while ((lease = redis.acquire(call.key(), token, leaseMillis).join()) != DistributedFlight.Lease.ACQUIRED) {
			if (lease == DistributedFlight.Lease.UNAVAILABLE || System.currentTimeMillis() >= deadline) {
				return invokeAndStore(call, invoker, lookup, span, control);
			}
			Thread.sleep(pause);
			pause = Math.min(pause * 2, MAX_POLL_MILLIS);
			TieredCache.Lookup again = lookup(call, false, lookup.token());
			if (again != null && again.isHit()) {
				answered(call, Outcome.COALESCED, again.value(), span, null);
				return again.value().value();
			}
		}
		try {
			// Another instance may have stored the value between our miss and our lease.
			TieredCache.Lookup again = lookup(call, false, lookup.token());
			if (again != null && again.isHit()) {
				answered(call, Outcome.COALESCED, again.value(), span, null);
				return again.value().value();
			}
			return invokeAndStore(call, invoker, (again != null) ? again : lookup, span, control);
		}
		finally {
			redis.release(call.key(), token);
		}
	}

	private @Nullable Object invokeAndStore(CachedCall call, Invoker invoker, TieredCache.@Nullable Lookup lookup,
			LookupSpan span, LlmCacheControl control) throws Throwable {
		long lookupNanos = span.elapsedNanos();
		span.end(Outcome.MISS, null, null);
		long modelStart = System.nanoTime();
		Observation observation = Observation.createNotStarted("llmcache.model.call", this.observations)
			.contextualName("llmcache model call")
			.lowCardinalityKeyValue("llmcache.namespace", call.namespace())
			.start();
		Object result;
		// Usage recording: methods returning text keep the tokens their model calls reported.
		ModelUsageRecorder.Recording usage = ModelUsageRecorder.open();
		try (Observation.Scope scope = observation.openScope()) {
			result = invoker.invoke();
		}
		catch (Throwable ex) {
			observation.error(ex);
			observation.stop();
			deliver(new CallEvent(call.namespace(), Outcome.ERROR, null, lookupNanos, System.nanoTime() - modelStart,
					null));
			throw ex;
		}
		finally {
			usage.close();
		}
		observation.stop();
		long modelNanos = System.nanoTime() - modelStart;
		CachedValue stored = (lookup != null && !control.isNoStore()) ? store(call, result, lookup, control, usage)
				: null;
		deliver(new CallEvent(call.namespace(), Outcome.MISS, stored, lookupNanos, modelNanos, null));
		return result;
	}

	/** Store a result whose model calls were not recorded (asynchronous and streamed results). */
	@Nullable CachedValue store(CachedCall call, @Nullable Object result, TieredCache.Lookup lookup,
			LlmCacheControl control) {
		return store(call, result, lookup, control, null);
	}

	@Nullable CachedValue store(CachedCall call, @Nullable Object result, TieredCache.Lookup lookup,
			LlmCacheControl control, ModelUsageRecorder.@Nullable Recording usage) {
		String reason = this.policy.reasonNotToStore(result);
		if (reason != null) {
			if (logger.isDebugEnabled()) {
				logger.debug("llmcache: not storing a result in '" + call.namespace() + "': " + reason);
			}
			return null;
		}
		try {
			if (!call.mayStore().test(result)) {
				return null;
			}
			Duration ttl = (control.getTtl() != null) ? control.getTtl() : call.ttl();
			CachedValue stored = this.cache.put(call.key(), call.type(), result,
					(usage != null) ? modelOf(result, usage) : modelOf(result),
					(usage != null) ? usageOf(result, usage) : usageOf(result), ttl, lookup);
			if (stored != null && control.isForceRefresh()) {
				this.cache.overwritten(call.key());
			}
			if (stored != null && call.semantic() != null && this.semanticTier != null && !control.isSemanticOff()) {
				this.semanticTier.stored(call, call.semantic(), stored);
			}
			return stored;
		}
		catch (RuntimeException ex) {
			this.errorHandler.handlePutError(ex, call.key());
			return null;
		}
	}

	private TieredCache.@Nullable Lookup lookup(CachedCall call) {
		return lookup(call, true);
	}

	TieredCache.@Nullable Lookup lookup(CachedCall call, boolean readL1) {
		try {
			return this.cache.get(call.key(), call.type(), readL1);
		}
		catch (RuntimeException ex) {
			this.errorHandler.handleGetError(ex, call.key());
			return null;
		}
	}

	TieredCache.@Nullable Lookup lookup(CachedCall call, boolean readL1, dev.llmcache.tier.StoreToken token) {
		try {
			return this.cache.get(call.key(), call.type(), readL1, token);
		}
		catch (RuntimeException ex) {
			this.errorHandler.handleGetError(ex, call.key());
			return null;
		}
	}

	@Nullable SemanticQuery semanticQuery(CachedCall call, LlmCacheControl control) {
		SemanticQuery query = call.semantic();
		if (query == null || this.semanticTier == null || control.isSemanticOff()) {
			return null;
		}
		Double minSimilarity = control.getMinSimilarity();
		return (minSimilarity != null && minSimilarity > query.threshold()) ? query.withThreshold(minSimilarity) : query;
	}

	SemanticTier.@Nullable Match findSemantic(CachedCall call, SemanticQuery query) {
		try {
			return this.semanticTier.find(call, query);
		}
		catch (RuntimeException ex) {
			this.errorHandler.handleGetError(ex, call.key());
			return null;
		}
	}

	void shadowed(CachedCall call, SemanticQuery query, SemanticTier.Match match, @Nullable Object result) {
		try {
			this.semanticTier.shadowed(call, query, match, result);
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: recording a shadowed semantic hit failed: " + ex);
		}
	}

	/** A call was answered from cache: its span ends with the outcome, then listeners hear of it. */
	void answered(CachedCall call, Outcome outcome, @Nullable CachedValue entry, LookupSpan span,
			@Nullable Double similarity) {
		long lookupNanos = span.elapsedNanos();
		span.end(outcome, entry, similarity);
		deliver(new CallEvent(call.namespace(), outcome, entry, lookupNanos, 0, similarity));
	}

	/** Report an event whose lookup was not timed by a {@link LookupSpan} (bypasses). */
	void safeNotify(CallEvent event) {
		if (!this.observations.isNoop()) {
			observeOutcome(event);
		}
		deliver(event);
	}

	/** The span of a call's lookup, started now. */
	LookupSpan startLookup(CachedCall call) {
		return LookupSpan.start(this.observations, call.namespace());
	}

	/** Tell the listeners, for an event whose lookup span was ended already. */
	void deliver(CallEvent event) {
		try {
			this.listener.onCall(event);
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: a listener failed on " + event.outcome() + " in '" + event.namespace() + "': " + ex);
		}
	}

	/**
	 * A span for the cache's part of the call, tagged with what tracing wants to see: outcome,
	 * tier, age of the entry served, similarity of a semantic hit.
	 */
	private void observeOutcome(CallEvent event) {
		Observation observation = Observation.createNotStarted(LOOKUP_OBSERVATION, this.observations)
			.contextualName("llmcache lookup")
			.lowCardinalityKeyValue("llmcache.namespace", event.namespace());
		tag(observation, event.outcome(), event.entry(), event.similarity());
		observation.start().stop();
	}

	static void tag(Observation observation, Outcome outcome, @Nullable CachedValue entry,
			@Nullable Double similarity) {
		observation.lowCardinalityKeyValue("llmcache.outcome", outcome.tag())
			.lowCardinalityKeyValue("llmcache.hit", String.valueOf(outcome.isHit()))
			.lowCardinalityKeyValue("llmcache.tier", tierOf(outcome));
		if (entry != null && outcome.isHit()) {
			observation.highCardinalityKeyValue("llmcache.entry.age.ms",
					String.valueOf(entry.ageMillis(System.currentTimeMillis())));
		}
		if (similarity != null) {
			observation.highCardinalityKeyValue("llmcache.similarity", String.format("%.4f", similarity));
		}
	}

	/** What the model calls reported while the method ran, else what the result itself carries. */
	static TokenUsage usageOf(@Nullable Object result, ModelUsageRecorder.Recording recorded) {
		return (recorded.calls() > 0) ? recorded.usage() : usageOf(result);
	}

	static @Nullable String modelOf(@Nullable Object result, ModelUsageRecorder.Recording recorded) {
		String model = modelOf(result);
		return (model != null) ? model : recorded.model();
	}

	private static String tierOf(Outcome outcome) {
		return switch (outcome) {
			case L1_HIT -> "l1";
			case L2_HIT -> "l2";
			case SEMANTIC_HIT -> "semantic";
			case COALESCED -> "in_flight";
			default -> "none";
		};
	}

	static @Nullable String modelOf(@Nullable Object result) {
		if (result instanceof ChatResponse response) {
			String model = response.getMetadata().getModel();
			return (model == null || model.isEmpty()) ? null : model;
		}
		return null;
	}

	static TokenUsage usageOf(@Nullable Object result) {
		if (result instanceof ChatResponse response) {
			Usage usage = response.getMetadata().getUsage();
			if (usage != null) {
				return new TokenUsage(zeroIfNull(usage.getPromptTokens()), zeroIfNull(usage.getCompletionTokens()));
			}
		}
		return TokenUsage.UNKNOWN;
	}

	private static long zeroIfNull(@Nullable Integer value) {
		return (value != null) ? value : 0;
	}

}
