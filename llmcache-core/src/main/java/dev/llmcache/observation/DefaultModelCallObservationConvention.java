package dev.llmcache.observation;

import dev.llmcache.observation.LlmCacheObservationDocumentation.ModelCallKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The default names and keys of the model call observation: {@code llmcache.model.call}, tagged
 * with the namespace (Spring Boot's meter handler adds {@code error}). Stateless and thread-safe.
 */
public class DefaultModelCallObservationConvention implements ModelCallObservationConvention {

	/** The observation's name, and so the timer's: {@code llmcache_model_call_seconds} in Prometheus. */
	public static final String NAME = "llmcache.model.call";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ModelCallObservationContext context) {
		return "llmcache model call";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ModelCallObservationContext context) {
		return KeyValues.of(ModelCallKeyNames.NAMESPACE.withValue(context.getNamespace()));
	}

}
