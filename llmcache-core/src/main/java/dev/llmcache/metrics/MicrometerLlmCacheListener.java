package dev.llmcache.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.TokenUsage;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.Outcome;
import dev.llmcache.semantic.SemanticListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Publishes every cached call to Micrometer:
 * <ul>
 * <li>{@value #REQUESTS}: counter, tags {@code namespace}, {@code outcome} (l1_hit, l2_hit,
 * semantic_hit, coalesced, miss, bypass, error);</li>
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
 * Nothing is timed here: durations come from the observations of
 * {@link dev.llmcache.observation.LlmCacheObservationDocumentation} (timers {@code llmcache.lookup} and
 * {@code llmcache.model.call}), so that each is measured once. A miss never counts as saved. Both cost counters only grow, as Micrometer counters must; the net
 * figure is their difference (the Actuator endpoint reports it). Percentiles and histograms are
 * configured as for any meter ({@code management.metrics.distribution.*} in Spring Boot).
 * Thread-safe.
 */
public class MicrometerLlmCacheListener implements LlmCacheListener, SemanticListener {

	public static final String REQUESTS = "llmcache.requests";

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
		count(EMBEDDING_TOKENS, "Input tokens of the embedding calls the semantic tier made", inputTokens,
				"namespace", namespace, "model", name);
		count(EMBEDDING_COST, "Price of the semantic tier's embedding calls, in the currency of llmcache.pricing",
				this.pricing.costOf(model, new TokenUsage(inputTokens, 0)).doubleValue(), "namespace", namespace,
				"model", name);
	}

	private void saved(String namespace, CachedValue entry) {
		TokenUsage usage = entry.usage();
		String model = (entry.model() != null) ? entry.model() : UNKNOWN_MODEL;
		count(TOKENS_SAVED, "Tokens of the entries cache hits served", usage.inputTokens(), "namespace",
				namespace, "model", model, "type", "input");
		count(TOKENS_SAVED, "Tokens of the entries cache hits served", usage.outputTokens(), "namespace",
				namespace, "model", model, "type", "output");
		count(COST_SAVED, "Price of the tokens cache hits saved, in the currency of llmcache.pricing",
				this.pricing.costOf(entry.model(), usage).doubleValue(), "namespace", namespace, "model", model);
	}

	/**
	 * Add to a counter; nothing (not even the counter) for an amount that is not positive. No base
	 * unit: tokens and money are counts, and a unit would be repeated in the exported name
	 * ({@code llmcache_tokens_saved_tokens_total}).
	 */
	private void count(String name, String description, double amount, String... tags) {
		if (amount > 0) {
			Counter.builder(name).description(description).tags(tags).register(this.registry)
				.increment(amount);
		}
	}

	private final class NamespaceMeters {

		private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);

		private final DistributionSummary similarity;

		NamespaceMeters(String namespace) {
			MeterRegistry registry = MicrometerLlmCacheListener.this.registry;
			for (Outcome outcome : Outcome.values()) {
				this.requests.put(outcome, Counter.builder(REQUESTS)
					.description("Cached calls by outcome")
					.tags("namespace", namespace, "outcome", outcome.tag())
					.register(registry));
			}
			this.similarity = DistributionSummary.builder(SIMILARITY)
				.description("Similarity of the entries semantic hits served")
				.tags("namespace", namespace)
				.register(registry);
		}

	}
}
