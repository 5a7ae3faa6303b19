/**
 * The observations llmcache makes (Micrometer Observation API), documented by
 * {@link dev.llmcache.observation.LlmCacheObservationDocumentation}, with conventions an application
 * can replace.
 */
@NullMarked
package dev.llmcache.observation;

import org.jspecify.annotations.NullMarked;
