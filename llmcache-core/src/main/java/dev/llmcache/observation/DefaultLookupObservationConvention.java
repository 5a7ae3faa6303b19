package dev.llmcache.observation;

import java.util.Locale;

import dev.llmcache.engine.Outcome;
import dev.llmcache.observation.LlmCacheObservationDocumentation.LookupHighCardinalityKeyNames;
import dev.llmcache.observation.LlmCacheObservationDocumentation.LookupKeyNames;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default names and keys of the lookup observation: {@code llmcache.lookup}, tagged with
 * namespace, outcome, tier and whether it was a hit. Stateless and thread-safe; extend it to add keys.
 */
public class DefaultLookupObservationConvention implements LookupObservationConvention {

	/** The observation's name, and so the timer's: {@code llmcache_lookup_seconds} in Prometheus. */
	public static final String NAME = "llmcache.lookup";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(LookupObservationContext context) {
		return "llmcache lookup";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LookupObservationContext context) {
		Outcome outcome = context.getOutcome();
		return KeyValues.of(LookupKeyNames.NAMESPACE.withValue(context.getNamespace()),
				LookupKeyNames.OUTCOME.withValue((outcome != null) ? outcome.tag() : "none"),
				LookupKeyNames.TIER.withValue(tierOf(outcome)),
				LookupKeyNames.HIT.withValue(String.valueOf(outcome != null && outcome.isHit())));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(LookupObservationContext context) {
		KeyValues values = KeyValues.empty();
		if (context.getEntryAgeMillis() != null) {
			values = values.and(LookupHighCardinalityKeyNames.ENTRY_AGE.withValue(String.valueOf(context.getEntryAgeMillis())));
		}
		if (context.getSimilarity() != null) {
			values = values.and(LookupHighCardinalityKeyNames.SIMILARITY
				.withValue(String.format(Locale.ROOT, "%.4f", context.getSimilarity())));
		}
		return values;
	}

	private static String tierOf(@Nullable Outcome outcome) {
		if (outcome == null) {
			return "none";
		}
		return switch (outcome) {
			case L1_HIT -> "l1";
			case L2_HIT -> "l2";
			case SEMANTIC_HIT -> "semantic";
			case COALESCED -> "in_flight";
			default -> "none";
		};
	}

}
