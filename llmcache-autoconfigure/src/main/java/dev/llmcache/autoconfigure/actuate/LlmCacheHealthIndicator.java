package dev.llmcache.autoconfigure.actuate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.llmcache.key.CacheKey;
import dev.llmcache.redis.RedisTier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of llmcache's shared tier. Redis down does not stop the application (calls go on through
 * L1 and the model), so the status is {@link #DEGRADED}, never {@code DOWN}: an orchestrator must
 * not restart instances because their cache is gone.
 *
 * <p>Each check reads one key through the tier itself, so it is bounded by
 * {@code llmcache.redis.timeout} and shares the tier's view of an outage. Map {@code DEGRADED} in
 * {@code management.endpoint.health.status.order} and {@code http-mapping} as you see fit; it
 * answers HTTP 200 unless mapped otherwise.
 */
public class LlmCacheHealthIndicator extends AbstractHealthIndicator {

	/** Working, without its shared tier. */
	public static final Status DEGRADED = new Status("DEGRADED", "Redis (L2) is unavailable; caching goes on in L1");

	private static final CacheKey PROBE = new CacheKey("llmcache.health", null, sha256("llmcache.health"));

	private final RedisTier redis;

	public LlmCacheHealthIndicator(RedisTier redis) {
		super("llmcache health check failed");
		this.redis = redis;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean answered = this.redis.lookup(PROBE).answered();
		builder.withDetail("l2", answered ? "up" : "unavailable");
		if (answered) {
			builder.up();
		}
		else {
			builder.status(DEGRADED);
			String failure = this.redis.availability().lastFailure();
			if (failure != null) {
				builder.withDetail("lastFailure", failure);
			}
		}
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
