package dev.llmcache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of a method that calls a language model: a call with the same canonical
 * arguments is answered from L1 (in-process), then L2 (Redis), and only then by invoking the method.
 *
 * <p>The key is a SHA-256 over a key-format version, the namespace, the partition, a fingerprint of
 * the configured chat model and the arguments in canonical form; a Spring AI {@code Prompt}
 * contributes all its messages, model, options and tools (the contract: {@code docs/keys.md}). Exceptions thrown by the method propagate unchanged and are never cached; a
 * failure of the cache itself never fails the call.
 *
 * <p>Supported return types: {@code String}, Spring AI {@code ChatResponse}, and any type Jackson can
 * write and read back (records, lists, maps).
 *
 * @see LlmCacheEvict
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LlmCached {

	/**
	 * How long an entry lives: an ISO-8601 duration ({@code PT10M}) or a number of seconds
	 * ({@code 600}). Empty means {@code llmcache.ttl}.
	 */
	String ttl() default "";

	/**
	 * Whether prompt texts are normalized before hashing: only differences that cannot change an
	 * answer are folded (Unicode NFC, line endings, trailing spaces, runs of spaces inside prose
	 * lines); code, indentation and line structure are kept. See {@code docs/keys.md}.
	 */
	boolean normalize() default true;

	/**
	 * Whether dynamic tokens in prompt texts (UUIDs, ISO-8601 date-times,
	 * {@code llmcache.normalize.patterns}) are replaced by numbered placeholders in the key, so
	 * that requests differing only in them share an answer: the stored answer holds the
	 * placeholders where the caller's tokens were, and every caller gets it back with their own.
	 * Only for methods returning {@code String} or {@code ChatResponse} (directly, in a
	 * {@code CompletableFuture} or in a {@code Mono}); {@code llmcache.normalize.strip-tokens=true}
	 * turns it on for every such method.
	 */
	boolean stripTokens() default false;

	/**
	 * Bean name of the {@code ChatModel} this method's answers come from, whose default options
	 * (model, temperature...) are part of its keys. Empty means the application's only chat
	 * model, or, where it has several, all of them together (a change to any moves the keys).
	 */
	String chatModel() default "";

	/**
	 * Whether a differently worded request with the same meaning may be answered from cache.
	 */
	boolean semantic() default false;

	/**
	 * With {@code semantic = true}: the lowest cosine similarity, in [0, 1], at which a cached
	 * request may answer this one (the guards apply as well). Negative means
	 * {@code llmcache.semantic.threshold}.
	 */
	double similarityThreshold() default -1;

	/**
	 * With {@code semantic = true}: how many nearest cached requests are checked against the
	 * guards. 0 means {@code llmcache.semantic.candidates}.
	 */
	int candidates() default 0;

	/**
	 * The namespace, the unit of {@code clearNamespace}. Empty means one derived from the declaring
	 * class and the method signature, stable across runs.
	 */
	String namespace() default "";

	/**
	 * SpEL over the arguments ({@code #question}, {@code #p0}, {@code #root.args}) whose value is
	 * used instead of all arguments. Empty means all arguments.
	 */
	String key() default "";

	/**
	 * SpEL giving a tenant or user id: entries of different partitions never answer each other,
	 * in any tier. Empty means no partition.
	 */
	String partition() default "";

	/** SpEL that must be true for the cache to be used at all. Empty means always. */
	String condition() default "";

	/** SpEL over {@code #result} that vetoes storing a result when true. Empty means never. */
	String unless() default "";

	/**
	 * Highest sampling temperature a call may ask for and still be cached; negative means
	 * {@code llmcache.max-temperature}. A call that sets no temperature is always cacheable.
	 */
	double maxTemperature() default -1;

}
