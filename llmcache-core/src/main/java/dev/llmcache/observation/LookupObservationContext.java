package dev.llmcache.observation;

import dev.llmcache.engine.Outcome;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link LlmCacheObservationDocumentation#LOOKUP} observation knows: its namespace from the
 * start, and once the cache answered, the outcome, the age of the entry served and, for a semantic
 * hit, its similarity. Filled in by one thread before the observation stops.
 */
public class LookupObservationContext extends Observation.Context {

	private final String namespace;

	private @Nullable Outcome outcome;

	private @Nullable Long entryAgeMillis;

	private @Nullable Double similarity;

	public LookupObservationContext(String namespace) {
		this.namespace = namespace;
	}

	public String getNamespace() {
		return this.namespace;
	}

	/** How the call was answered; null while it is not, and when its caller went away first. */
	public @Nullable Outcome getOutcome() {
		return this.outcome;
	}

	public void setOutcome(@Nullable Outcome outcome) {
		this.outcome = outcome;
	}

	public @Nullable Long getEntryAgeMillis() {
		return this.entryAgeMillis;
	}

	public void setEntryAgeMillis(@Nullable Long entryAgeMillis) {
		this.entryAgeMillis = entryAgeMillis;
	}

	public @Nullable Double getSimilarity() {
		return this.similarity;
	}

	public void setSimilarity(@Nullable Double similarity) {
		this.similarity = similarity;
	}

}
