package dev.llmcache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Evicts entries of an {@link LlmCached} namespace when the annotated method runs.
 *
 * <p>With {@code allEntries = true} the whole namespace is cleared (O(1) in Redis). Otherwise the
 * entry is the one the cached method would use for the same arguments: the annotated method's
 * arguments (or its {@link #key()}) and {@link #partition()} must produce what the cached method's do.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LlmCacheEvict {

	/** The namespace of the cached method; required. */
	String namespace();

	/** SpEL for the key value, as in {@link LlmCached#key()}. Empty means all arguments. */
	String key() default "";

	/** SpEL for the partition, as in {@link LlmCached#partition()}. */
	String partition() default "";

	/** Whether the arguments were normalized by the cached method, as in {@link LlmCached#normalize()}. */
	boolean normalize() default true;

	/** Clear the whole namespace instead of one entry. */
	boolean allEntries() default false;

	/** Evict before the method runs, so that it happens even if the method throws. */
	boolean beforeInvocation() default false;

	/** SpEL that must be true for the eviction to happen. Empty means always. */
	String condition() default "";

}
