package dev.llmcache.metrics;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.semantic.SemanticListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes every cached call to Micrometer:
 * <ul>
 * <li>{@value #REQUESTS}: counter, tags {@code namespace}, {@code outcome} (l1_hit, l2_hit,
 * semantic_hit, coalesced, miss, bypass, error);</li>
 * <li>{@value #LOOKUP}: timer of the time spent in the cache before answering or calling the
 * model, tags {@code namespace}, {@code outcome};</li>
 * <li>{@value #MODEL}: timer of the model call, tags {@code namespace}, {@code outcome} (miss,
 * bypass, error);</li>
 * <li>{@value #SIMILARITY}: distribution of the similarity of served semantic hits, tag
 * {@code namespace};</li>
 * <li>{@value #TOKENS_SAVED}: counter of the tokens of the entries hits served, tags
 * {@code namespace}, {@code model}, {@code type} (input, output);</li>
 * <li>{@value #COST_SAVED}: counter of their price from the {@link PricingTable}, tags
 * {@code namespace}, {@code model}; only for priced models;</li>
 * <li>{@value #EMBEDDING_TOKENS}: counter of the input tokens of the semantic tier's embedding
 * calls, tags {@code namespace}, {@code model}, and {@value #EMBEDDING_COST} their price (priced
 * models only): the net saving is {@value #COST_SAVED} minus {@value #EMBEDDING_COST}.</li>
 * </ul>
 * A miss never counts as saved. Both cost counters only grow, as Micrometer counters must; the net
 * figure is their difference (the Actuator endpoint reports it). Percentiles and histograms are
 * configured as for any meter ({@code management.metrics.distribution.*} in Spring Boot).
 * Thread-safe.
 */
public class MicrometerLlmCacheListener implements LlmCacheListener, SemanticListener {

	public static final String REQUESTS = "llmcache.requests";

	public static final String LOOKUP = "llmcache.lookup.duration";

	public static final String MODEL = "llmcache.model.duration";

	public static final String SIMILARITY = "llmcache.similarity";

	public static final String TOKENS_SAVED = "llmcache.tokens.saved";

	public static final String COST_SAVED = "llmcache.cost.saved";

	public static final String EMBEDDING_TOKENS = "llmcache.tokens.embedding";

	public static final String EMBEDDING_COST = "llmcache.cost.embedding";

	private static final String UNKNOWN_MODEL = "unknown";

	private final MeterRegistry registry;

	private final PricingTable pricing;

	private final Map<String, NamespaceMeters> meters = new ConcurrentHashMap<>();

	public MicrometerLlmCacheListener(MeterRegistry registry, PricingTable pricing) {
		this.registry = registry;
		this.pricing = pricing;
	}

	@Override
	public void onCall(CallEvent event) {
		NamespaceMeters namespace = this.meters.computeIfAbsent(event.namespace(), NamespaceMeters::new);
		Outcome outcome = event.outcome();
		namespace.requests.get(outcome).increment();
		namespace.lookup.get(outcome).record(event.lookupNanos(), TimeUnit.NANOSECONDS);
		if (outcome == Outcome.MISS || outcome == Outcome.BYPASS || outcome == Outcome.ERROR) {
			namespace.model.get(outcome).record(event.modelNanos(), TimeUnit.NANOSECONDS);
		}
		if (outcome == Outcome.SEMANTIC_HIT && event.similarity() != null) {
			namespace.similarity.record(event.similarity());
		}
		CachedValue entry = event.entry();
		if (entry != null && outcome.isHit()) {
			saved(event.namespace(), entry);
		}
	}

	@Override
	public void embedded(String namespace, @Nullable String model, long inputTokens) {
		String name = (model != null && !model.isEmpty()) ? model : UNKNOWN_MODEL;
		if (inputTokens > 0) {
			Counter.builder(EMBEDDING_TOKENS).baseUnit("tokens")
				.description("Input tokens of the embedding calls the semantic tier made")
				.tags("namespace", namespace, "model", name)
				.register(this.registry)
				.increment(inputTokens);
		}
		BigDecimal cost = this.pricing.costOf(model, new TokenUsage(inputTokens, 0));
		if (cost.signum() > 0) {
			Counter.builder(EMBEDDING_COST)
				.description("Price of the semantic tier's embedding calls, in the currency of llmcache.pricing")
				.tags("namespace", namespace, "model", name)
				.register(this.registry)
				.increment(cost.doubleValue());
		}
	}

	private void saved(String namespace, CachedValue entry) {
		TokenUsage usage = entry.usage();
		String model = (entry.model() != null) ? entry.model() : UNKNOWN_MODEL;
		if (usage.inputTokens() > 0) {
			Counter.builder(TOKENS_SAVED).baseUnit("tokens").description("Tokens of the entries cache hits served")
				.tags("namespace", namespace, "model", model, "type", "input")
				.register(this.registry)
				.increment(usage.inputTokens());
		}
		if (usage.outputTokens() > 0) {
			Counter.builder(TOKENS_SAVED).baseUnit("tokens").description("Tokens of the entries cache hits served")
				.tags("namespace", namespace, "model", model, "type", "output")
				.register(this.registry)
				.increment(usage.outputTokens());
		}
		BigDecimal cost = this.pricing.costOf(entry.model(), usage);
		if (cost.signum() > 0) {
			Counter.builder(COST_SAVED)
				.description("Price of the tokens cache hits saved, in the currency of llmcache.pricing")
				.tags("namespace", namespace, "model", model)
				.register(this.registry)
				.increment(cost.doubleValue());
		}
	}

	private final class NamespaceMeters {

		private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);

		private final Map<Outcome, Timer> lookup = new EnumMap<>(Outcome.class);

		private final Map<Outcome, Timer> model = new EnumMap<>(Outcome.class);

		private final DistributionSummary similarity;

		NamespaceMeters(String namespace) {
			MeterRegistry registry = MicrometerLlmCacheListener.this.registry;
			for (Outcome outcome : Outcome.values()) {
				this.requests.put(outcome, Counter.builder(REQUESTS)
					.description("Cached calls by outcome")
					.tags("namespace", namespace, "outcome", outcome.tag())
					.register(registry));
				this.lookup.put(outcome, Timer.builder(LOOKUP)
					.description("Time spent in the cache before answering or calling the model")
					.tags("namespace", namespace, "outcome", outcome.tag())
					.register(registry));
				if (outcome == Outcome.MISS || outcome == Outcome.BYPASS || outcome == Outcome.ERROR) {
					this.model.put(outcome, Timer.builder(MODEL)
						.description("Time spent calling the model when the cache did not answer")
						.tags("namespace", namespace, "outcome", outcome.tag())
						.register(registry));
				}
			}
			this.similarity = DistributionSummary.builder(SIMILARITY)
				.description("Similarity of the entries semantic hits served")
				.tags("namespace", namespace)
				.register(registry);
		}

	}
}
