package dev.llmcache.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link LlmCacheObservationDocumentation#MODEL_CALL}; a bean of this type
 * replaces {@link DefaultModelCallObservationConvention}.
 */
public interface ModelCallObservationConvention extends ObservationConvention<ModelCallObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ModelCallObservationContext;
	}

}
