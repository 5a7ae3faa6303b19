package dev.llmcache.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link LlmCacheObservationDocumentation#LOOKUP}; a bean of this type
 * replaces {@link DefaultLookupObservationConvention}.
 */
public interface LookupObservationConvention extends ObservationConvention<LookupObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof LookupObservationContext;
	}

}
