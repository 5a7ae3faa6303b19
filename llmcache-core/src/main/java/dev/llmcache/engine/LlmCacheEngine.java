package dev.llmcache.engine;

import java.time.Duration;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.tier.StoreToken;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.usage.ModelUsageRecorder;
import dev.llmcache.observation.DefaultModelCallObservationConvention;
import dev.llmcache.observation.LlmCacheObservationDocumentation;
import dev.llmcache.observation.LookupObservationContext;
import dev.llmcache.observation.LookupObservationConvention;
import dev.llmcache.observation.ModelCallObservationContext;
import dev.llmcache.observation.ModelCallObservationConvention;
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

	static final DefaultModelCallObservationConvention DEFAULT_MODEL_CALL_CONVENTION = new DefaultModelCallObservationConvention();

	private final TieredCache cache;

	private final CacheabilityPolicy policy;

	private final LlmCacheErrorHandler errorHandler;

	private final CallFlow flow;

	private final LlmCacheListener listener;

	private volatile @Nullable SemanticTier semanticTier;

	private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

	private volatile @Nullable LookupObservationConvention lookupConvention;

	private volatile @Nullable ModelCallObservationConvention modelCallConvention;

	public LlmCacheEngine(TieredCache cache, CacheabilityPolicy policy, LlmCacheErrorHandler errorHandler,
			FlightSettings flight, LlmCacheListener listener) {
		this.cache = cache;
		this.policy = policy;
		this.errorHandler = errorHandler;
		this.flow = new CallFlow(this, flight);
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

	/** Conventions replacing the default names and keys of the observations; null keeps the default. */
	public void setObservationConventions(@Nullable LookupObservationConvention lookup,
			@Nullable ModelCallObservationConvention modelCall) {
		this.lookupConvention = lookup;
		this.modelCallConvention = modelCall;
	}

	/** A call of the model (or of the method that calls it). */
	@FunctionalInterface
	public interface Invoker {

		@Nullable Object invoke() throws Throwable;

	}

	/**
	 * Answer a call from cache, or by invoking it on the calling thread. The lookup runs on this
	 * thread and a hit returns at once; a miss goes through the same flow as every other return
	 * type, its steps run by this thread while it waits.
	 * @throws Throwable what the invoker throws, unchanged
	 */
	public @Nullable Object call(CachedCall call, Invoker invoker) throws Throwable {
		LookupSpan span = startLookup(call);
		LlmCacheControl control = LlmCacheControl.current();
		CachedValue local = this.flow.answerLocally(call, control, span);
		if (local != null) {
			return local.value();
		}
		CallFlow.Found found = this.flow.find(call, control);
		CallFlow.Reply hit = this.flow.answerFromCache(call, found, span);
		if (hit != null) {
			return hit.value();
		}
		CallerRuns here = new CallerRuns();
		return here.await(this.flow.miss(call, control, span, found, false, (storer, observation) -> {
			// Usage recording: methods returning text keep the tokens their model calls reported.
			ModelUsageRecorder.Recording usage = ModelUsageRecorder.open();
			Object result;
			try (Observation.Scope scope = observation.openScope()) {
				result = invoker.invoke();
			}
			finally {
				usage.close();
			}
			return storer.stored(result, usage).thenApply(stored -> result);
		}, here)).value();
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

	/** The flow every return type goes through; the adapters live in {@link AsyncCalls}. */
	CallFlow flow() {
		return this.flow;
	}

	/** The observation of a model call, started now. */
	Observation startModelObservation(CachedCall call) {
		return LlmCacheObservationDocumentation.MODEL_CALL
			.observation(this.modelCallConvention, DEFAULT_MODEL_CALL_CONVENTION,
					() -> new ModelCallObservationContext(call.namespace()), this.observations)
			.start();
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
					(usage != null) ? usageOf(result, usage) : usageOf(result), ttl, lookup, control.isForceRefresh());
			if (stored != null && call.semantic() != null && this.semanticTier != null && !control.isSemanticOff()) {
				index(call, stored);
			}
			return stored;
		}
		catch (RuntimeException ex) {
			// Nothing was written: serializing, the first step of a store, is what throws here.
			this.errorHandler.handlePutError(ex, call.key());
			return null;
		}
	}

	/**
	 * A forced refresh evicts its key before its lookup, so that its answer wins over every call that
	 * began before it (docs/consistency.md).
	 */
	void refreshing(CachedCall call, LlmCacheControl control) {
		if (!control.isForceRefresh()) {
			return;
		}
		try {
			this.cache.refreshing(call.key());
		}
		catch (RuntimeException ex) {
			this.errorHandler.handleEvictError(ex, call.namespace());
		}
	}

	/**
	 * Index a stored entry for semantic lookups. The entry is stored whatever happens here, so a
	 * failure (an embedding that cannot be made) says exactly that, and the result stays cached for
	 * exact matches.
	 */
	private void index(CachedCall call, CachedValue stored) {
		try {
			this.semanticTier.stored(call, call.semantic(), stored);
		}
		catch (RuntimeException ex) {
			logger.warn("llmcache: stored " + call.key().hash() + " in '" + call.namespace()
					+ "' without a semantic index entry (exact matches hit it, paraphrases do not): " + ex,
					logger.isDebugEnabled() ? ex : null);
		}
	}

	/** The entry the tiers of this JVM hold for a call, or null; a failing tier is left to the full lookup. */
	@Nullable CachedValue peekLocal(CachedCall call) {
		try {
			return this.cache.peekLocal(call.key());
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Look a call up for a call that took its token already; a failing tier is handled as a miss. */
	TieredCache.@Nullable Lookup lookup(CachedCall call, boolean readL1, StoreToken token) {
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
		return LookupSpan.start(this.observations, this.lookupConvention, call.namespace());
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
		Observation observation = LookupSpan.observation(this.observations, this.lookupConvention, event.namespace());
		tag(observation, event.outcome(), event.entry(), event.similarity());
		observation.start().stop();
	}

	static void tag(Observation observation, Outcome outcome, @Nullable CachedValue entry,
			@Nullable Double similarity) {
		if (observation.getContext() instanceof LookupObservationContext context) {
			context.setOutcome(outcome);
			if (entry != null && outcome.isHit()) {
				context.setEntryAgeMillis(entry.ageMillis(System.currentTimeMillis()));
			}
			context.setSimilarity(similarity);
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
