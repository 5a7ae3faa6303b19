package dev.llmcache.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations llmcache makes: the only way it times anything. With Spring Boot's
 * {@code ObservationRegistry}, each becomes a timer (in Prometheus {@code llmcache_lookup_seconds}
 * and {@code llmcache_model_call_seconds}) tagged with its low-cardinality keys, and a span with
 * Micrometer Tracing. Register an {@link LookupObservationConvention} or
 * {@link ModelCallObservationConvention} bean to change names or keys.
 */
public enum LlmCacheObservationDocumentation implements ObservationDocumentation {

	/**
	 * The cache's part of one call: from before the first tier is asked until one answers or the
	 * model is to be called (on a miss, it precedes {@link #MODEL_CALL}).
	 */
	LOOKUP {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultLookupObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LookupKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return LookupHighCardinalityKeyNames.values();
		}

	},

	/** A call of the model that the cache did not answer; the chat model's own observation is its child. */
	MODEL_CALL {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultModelCallObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ModelCallKeyNames.values();
		}

	};

	/** Low-cardinality keys of {@link #LOOKUP}: tags of its timer. */
	public enum LookupKeyNames implements KeyName {

		/** The namespace of the call. */
		NAMESPACE {
			@Override
			public String asString() {
				return "llmcache.namespace";
			}
		},

		/** How the call was answered: {@code l1_hit}, {@code l2_hit}, {@code semantic_hit}, {@code coalesced}, {@code miss}, {@code bypass}, {@code error}; {@code none} if its caller went away first. */
		OUTCOME {
			@Override
			public String asString() {
				return "llmcache.outcome";
			}
		},

		/** Where the answer came from: {@code l1}, {@code l2}, {@code semantic}, {@code in_flight}, {@code none}. */
		TIER {
			@Override
			public String asString() {
				return "llmcache.tier";
			}
		},

		/** Whether the cache answered: {@code true} or {@code false}. */
		HIT {
			@Override
			public String asString() {
				return "llmcache.hit";
			}
		}

	}

	/** High-cardinality keys of {@link #LOOKUP}: on spans only, never on meters. */
	public enum LookupHighCardinalityKeyNames implements KeyName {

		/** On a hit, the age of the entry served, in milliseconds. */
		ENTRY_AGE {
			@Override
			public String asString() {
				return "llmcache.entry.age.ms";
			}
		},

		/** On a semantic hit, the similarity of the entry served. */
		SIMILARITY {
			@Override
			public String asString() {
				return "llmcache.similarity";
			}
		}

	}

	/** Low-cardinality keys of {@link #MODEL_CALL}. */
	public enum ModelCallKeyNames implements KeyName {

		/** The namespace of the call. */
		NAMESPACE {
			@Override
			public String asString() {
				return "llmcache.namespace";
			}
		}

	}

}
