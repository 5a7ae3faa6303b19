package dev.llmcache.control;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Per-call control of the cache, in the spirit of HTTP {@code Cache-Control}, scoped to the calls
 * made by the current thread inside {@link #open()} or {@link #call(Callable)}:
 *
 * <pre>{@code
 * String fresh = LlmCacheControl.forceRefresh().call(() -> assistant.answer(question));
 * try (LlmCacheControl.Scope scope = LlmCacheControl.noStore().ttl(Duration.ofMinutes(5)).open()) {
 *     assistant.answer(question);
 * }
 * }</pre>
 *
 * <ul>
 * <li>{@code noCache}: skip reads (every tier), still store the result;</li>
 * <li>{@code noStore}: read, but never store;</li>
 * <li>{@code forceRefresh}: skip reads, call the model, overwrite the entry everywhere;</li>
 * <li>{@code ttl}: lifetime of what is stored, instead of the method's;</li>
 * <li>{@code semanticOff}: exact matches only;</li>
 * <li>{@code minSimilarity}: a semantic hit must be at least this similar.</li>
 * </ul>
 *
 * <p>The control is a thread-local value registered with Micrometer's context propagation
 * ({@link LlmCacheControlAccessor}): llmcache's own asynchronous adapters and executors carry it
 * from the calling thread to where the call's cache work runs, and an application that propagates
 * context through Reactor ({@code Hooks.enableAutomaticContextPropagation()}, or
 * {@code contextCapture()}) carries it into reactive pipelines as well.
 *
 * <p>Immutable and thread-safe; each modifier returns a new control.
 */
public final class LlmCacheControl {

	private static final ThreadLocal<LlmCacheControl> CURRENT = new ThreadLocal<>();

	private static final LlmCacheControl DEFAULTS = new LlmCacheControl(false, false, false, null, false, null);

	private final boolean noCache;

	private final boolean noStore;

	private final boolean forceRefresh;

	private final @Nullable Duration ttl;

	private final boolean semanticOff;

	private final @Nullable Double minSimilarity;

	private LlmCacheControl(boolean noCache, boolean noStore, boolean forceRefresh, @Nullable Duration ttl,
			boolean semanticOff, @Nullable Double minSimilarity) {
		if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
			throw new IllegalArgumentException("ttl must be positive, got " + ttl);
		}
		if (minSimilarity != null && !(minSimilarity >= 0 && minSimilarity <= 1)) {
			throw new IllegalArgumentException("minSimilarity must be in [0, 1], got " + minSimilarity);
		}
		this.noCache = noCache;
		this.noStore = noStore;
		this.forceRefresh = forceRefresh;
		this.ttl = ttl;
		this.semanticOff = semanticOff;
		this.minSimilarity = minSimilarity;
	}

	/** The control in force for the current thread: the innermost open scope, or the defaults. */
	public static LlmCacheControl current() {
		LlmCacheControl control = CURRENT.get();
		return (control != null) ? control : DEFAULTS;
	}

	public static LlmCacheControl defaults() {
		return DEFAULTS;
	}

	public static LlmCacheControl noCache() {
		return DEFAULTS.withNoCache();
	}

	public static LlmCacheControl noStore() {
		return DEFAULTS.withNoStore();
	}

	public static LlmCacheControl forceRefresh() {
		return DEFAULTS.withForceRefresh();
	}

	public LlmCacheControl withNoCache() {
		return new LlmCacheControl(true, this.noStore, this.forceRefresh, this.ttl, this.semanticOff, this.minSimilarity);
	}

	public LlmCacheControl withNoStore() {
		return new LlmCacheControl(this.noCache, true, this.forceRefresh, this.ttl, this.semanticOff, this.minSimilarity);
	}

	public LlmCacheControl withForceRefresh() {
		return new LlmCacheControl(this.noCache, this.noStore, true, this.ttl, this.semanticOff, this.minSimilarity);
	}

	public LlmCacheControl ttl(Duration ttl) {
		return new LlmCacheControl(this.noCache, this.noStore, this.forceRefresh, ttl, this.semanticOff,
				this.minSimilarity);
	}

	public LlmCacheControl semanticOff() {
		return new LlmCacheControl(this.noCache, this.noStore, this.forceRefresh, this.ttl, true, this.minSimilarity);
	}

	public LlmCacheControl minSimilarity(double minSimilarity) {
		return new LlmCacheControl(this.noCache, this.noStore, this.forceRefresh, this.ttl, this.semanticOff,
				minSimilarity);
	}

	public boolean isNoCache() {
		return this.noCache;
	}

	public boolean isNoStore() {
		return this.noStore;
	}

	public boolean isForceRefresh() {
		return this.forceRefresh;
	}

	/** Whether reads are skipped: {@code noCache} or {@code forceRefresh}. */
	public boolean skipsReads() {
		return this.noCache || this.forceRefresh;
	}

	public @Nullable Duration getTtl() {
		return this.ttl;
	}

	public boolean isSemanticOff() {
		return this.semanticOff;
	}

	public @Nullable Double getMinSimilarity() {
		return this.minSimilarity;
	}

	/** The control set on the calling thread, or null: for {@link LlmCacheControlAccessor}. */
	static @Nullable LlmCacheControl threadValue() {
		return CURRENT.get();
	}

	/** Set (or, with null, remove) the calling thread's control: for {@link LlmCacheControlAccessor}. */
	static void setThreadValue(@Nullable LlmCacheControl control) {
		if (control != null) {
			CURRENT.set(control);
		}
		else {
			CURRENT.remove();
		}
	}

	/** Make this control current for the calling thread until the scope is closed. */
	public Scope open() {
		LlmCacheControl previous = CURRENT.get();
		CURRENT.set(this);
		return () -> {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		};
	}

	/** Run a task with this control current. */
	public <T> T call(Callable<T> task) throws Exception {
		try (Scope scope = open()) {
			return task.call();
		}
	}

	/** An open control, closed to restore the one before it. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

	@Override
	public String toString() {
		return "LlmCacheControl[noCache=" + this.noCache + ", noStore=" + this.noStore + ", forceRefresh="
				+ this.forceRefresh + ", ttl=" + this.ttl + ", semanticOff=" + this.semanticOff + ", minSimilarity="
				+ this.minSimilarity + "]";
	}

}
