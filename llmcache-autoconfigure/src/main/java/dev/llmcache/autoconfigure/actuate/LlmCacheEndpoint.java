package dev.llmcache.autoconfigure.actuate;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.engine.Outcome;
import dev.llmcache.key.CacheKey;
import dev.llmcache.metrics.LlmCacheStatistics;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.warmup.LlmCacheWarmer;
import dev.llmcache.warmup.WarmupReport;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code llmcache} Actuator endpoint. Exposed like any other endpoint, so not over HTTP unless
 * the application includes it in {@code management.endpoints.web.exposure.include} (and secured
 * as the application secures Actuator).
 * <ul>
 * <li>read ({@code GET /actuator/llmcache}): hit ratios per tier and namespace, counts, L1 entries
 * and size in bytes, L2 availability, tokens and money saved since start, the last warm-up;</li>
 * <li>delete ({@code DELETE /actuator/llmcache/{namespace}}): clear a namespace in every tier and
 * instance; ({@code DELETE /actuator/llmcache/{namespace}/{hash}?partition=}) evict one entry;</li>
 * <li>write ({@code POST /actuator/llmcache}): start the configured warm-up in the background.</li>
 * </ul>
 * Never returns prompt or answer text.
 */
@Endpoint(id = "llmcache")
public class LlmCacheEndpoint {

	private final TieredCache cache;

	private final LlmCacheManager manager;

	private final LlmCacheStatistics statistics;

	private final ObjectProvider<LlmCacheWarmer> warmer;

	public LlmCacheEndpoint(TieredCache cache, LlmCacheManager manager, LlmCacheStatistics statistics,
			ObjectProvider<LlmCacheWarmer> warmer) {
		this.cache = cache;
		this.manager = manager;
		this.statistics = statistics;
		this.warmer = warmer;
	}

	@ReadOperation
	public Map<String, Object> report() {
		Map<String, Object> report = new LinkedHashMap<>();
		LocalTier local = this.cache.local();
		Map<String, Object> l1 = new LinkedHashMap<>();
		l1.put("enabled", local != null);
		if (local != null) {
			l1.put("entries", local.estimatedSize());
			l1.put("sizeBytes", local.weightedSize());
		}
		report.put("l1", l1);
		RedisTier redis = this.cache.tier(RedisTier.class);
		Map<String, Object> l2 = new LinkedHashMap<>();
		l2.put("enabled", redis != null);
		if (redis != null) {
			l2.put("up", redis.availability().isUp());
			if (!redis.availability().isUp() && redis.availability().lastFailure() != null) {
				l2.put("lastFailure", redis.availability().lastFailure());
			}
		}
		report.put("l2", l2);
		LlmCacheStatistics.Snapshot snapshot = this.statistics.snapshot();
		report.put("total", describe(snapshot.total()));
		Map<String, Object> namespaces = new LinkedHashMap<>();
		snapshot.namespaces().forEach((namespace, counters) -> namespaces.put(namespace, describe(counters)));
		report.put("namespaces", namespaces);
		LlmCacheWarmer warmer = this.warmer.getIfAvailable();
		if (warmer != null) {
			Map<String, Object> warmup = new LinkedHashMap<>();
			warmup.put("running", warmer.isRunning());
			WarmupReport last = warmer.lastReport();
			if (last != null) {
				warmup.put("last", last);
			}
			report.put("warmup", warmup);
		}
		return report;
	}

	/** Clear a namespace in every tier and, through L1 coherence, on every instance. */
	@DeleteOperation
	public Map<String, Object> clearNamespace(@Selector String namespace) {
		this.manager.clearNamespace(namespace);
		return Map.of("cleared", namespace);
	}

	/** Evict one entry, named by namespace, key hash and (for partitioned methods) partition. */
	@DeleteOperation
	public Map<String, Object> evict(@Selector String namespace, @Selector String hash, @Nullable String partition) {
		CacheKey key = new CacheKey(namespace, partition, hash);
		this.manager.evict(key);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("evicted", hash);
		result.put("namespace", namespace);
		if (partition != null) {
			result.put("partition", partition);
		}
		return result;
	}

	/** Start the configured warm-up in the background, unless one is running. */
	@WriteOperation
	public Map<String, Object> warmUp() {
		LlmCacheWarmer warmer = this.warmer.getIfAvailable();
		if (warmer == null) {
			return Map.of("started", false, "reason", "no warm-up is configured (llmcache.warmup.*)");
		}
		boolean started = warmer.startConfigured();
		return started ? Map.of("started", true) : Map.of("started", false, "reason", "a warm-up is running");
	}

	private static Map<String, Object> describe(LlmCacheStatistics.NamespaceSnapshot counters) {
		Map<String, Object> result = new LinkedHashMap<>();
		Map<String, Long> requests = new LinkedHashMap<>();
		for (Outcome outcome : Outcome.values()) {
			requests.put(outcome.tag(), counters.count(outcome));
		}
		result.put("requests", requests);
		result.put("hitRatio", counters.hitRatio());
		Map<String, Double> tiers = new LinkedHashMap<>();
		tiers.put("l1", counters.ratio(Outcome.L1_HIT));
		tiers.put("l2", counters.ratio(Outcome.L2_HIT));
		tiers.put("semantic", counters.ratio(Outcome.SEMANTIC_HIT));
		tiers.put("coalesced", counters.ratio(Outcome.COALESCED));
		result.put("hitRatioByTier", tiers);
		result.put("stored", counters.stored());
		result.put("tokensSaved", Map.of("input", counters.inputTokensSaved(), "output", counters.outputTokensSaved()));
		result.put("costSaved", plain(counters.costSaved()));
		if (counters.embeddingTokens() > 0 || counters.embeddingCost().signum() != 0) {
			result.put("embedding", Map.of("tokens", counters.embeddingTokens(), "cost", plain(counters.embeddingCost())));
		}
		result.put("netCostSaved", plain(counters.netCostSaved()));
		return result;
	}

	private static String plain(BigDecimal amount) {
		return amount.stripTrailingZeros().toPlainString();
	}

}
