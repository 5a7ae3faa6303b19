package dev.llmcache.observation;

import io.micrometer.observation.Observation;

/** What a {@link LlmCacheObservationDocumentation#MODEL_CALL} observation knows: the namespace of the call. */
public class ModelCallObservationContext extends Observation.Context {

	private final String namespace;

	public ModelCallObservationContext(String namespace) {
		this.namespace = namespace;
	}

	public String getNamespace() {
		return this.namespace;
	}

}
