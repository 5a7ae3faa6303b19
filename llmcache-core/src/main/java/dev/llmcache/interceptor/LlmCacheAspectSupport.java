package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.llmcache.engine.AsyncCalls;
import dev.llmcache.engine.CachedCall;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.LlmCacheErrorHandler;
import dev.llmcache.engine.SemanticQuery;
import dev.llmcache.key.CacheKey;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.PlaceholderKey;
import dev.llmcache.key.Placeholders;
import dev.llmcache.key.UncacheableCallException;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The behaviour behind {@code @LlmCached} and {@code @LlmCacheEvict}, kept apart from the AOP
 * plumbing as Spring's {@code CacheAspectSupport} is: turn an annotated call into a
 * {@link CachedCall} (its expressions evaluated, its key built) and hand it to the
 * {@link LlmCacheEngine}.
 *
 * <p>A call whose expressions fail at run time, or whose partition evaluates to nothing, bypasses
 * the cache: it is never shared, and never failed. Thread-safe.
 */
public class LlmCacheAspectSupport {

	private static final Log logger = LogFactory.getLog(LlmCacheAspectSupport.class);

	private final LlmCacheOperationSource operationSource;

	private final OperationKeyResolver keyResolver;

	private final LlmCacheExpressionEvaluator evaluator;

	private final LlmCacheEngine engine;

	private final AsyncCalls asyncCalls;

	private final LlmCacheErrorHandler errorHandler;

	private volatile @Nullable SemanticQueryFactory semanticQueries;

	private final Set<Method> warnedExpressions = ConcurrentHashMap.newKeySet();

	private volatile boolean requirePartition;

	public LlmCacheAspectSupport(LlmCacheOperationSource operationSource, OperationKeyResolver keyResolver,
			LlmCacheExpressionEvaluator evaluator, LlmCacheEngine engine, AsyncCalls asyncCalls,
			LlmCacheErrorHandler errorHandler) {
		this.operationSource = operationSource;
		this.keyResolver = keyResolver;
		this.evaluator = evaluator;
		this.engine = engine;
		this.asyncCalls = asyncCalls;
		this.errorHandler = errorHandler;
	}

	/**
	 * Multi-tenant mode: a call whose partition evaluates to nothing fails with an
	 * {@link IllegalStateException} instead of bypassing the cache.
	 */
	public void setRequirePartition(boolean requirePartition) {
		this.requirePartition = requirePartition;
	}

	/** Builds the semantic query of {@code semantic = true} operations; without one they match exactly only. */
	public void setSemanticQueryFactory(@Nullable SemanticQueryFactory semanticQueries) {
		this.semanticQueries = semanticQueries;
	}

	public @Nullable Object execute(LlmCacheEngine.Invoker invoker, @Nullable Object target, Method method,
			@Nullable Object[] args, @Nullable Class<?> targetClass) throws Throwable {
		KeyedOperation operation = this.operationSource.getOperation(method, targetClass);
		if (operation instanceof LlmCachedOperation cached) {
			return executeCached(cached, invoker, target, args);
		}
		if (operation instanceof LlmCacheEvictOperation evict) {
			return executeEvict(evict, invoker, target, args);
		}
		return invoker.invoke();
	}

	private @Nullable Object executeCached(LlmCachedOperation operation, LlmCacheEngine.Invoker invoker,
			@Nullable Object target, @Nullable Object[] args) throws Throwable {
		EvaluationContext context = needsContext(operation)
				? this.evaluator.createContext(operation.method(), args, target, null, false) : null;
		CacheKey key;
		KeyRequest request;
		Placeholders placeholders = Placeholders.NONE;
		try {
			if (operation.condition() != null && !this.evaluator.isTrue(operation.condition(), context)) {
				return this.engine.bypass(operation.namespace(), invoker);
			}
			if (!this.engine.policy().isCacheableRequest(args, operation.maxTemperature())) {
				return this.engine.bypass(operation.namespace(), invoker);
			}
			request = this.keyResolver.requestFor(operation, args, context);
			PlaceholderKey keyed = (request != null) ? this.keyResolver.keyGenerator().generateWithPlaceholders(request)
					: null;
			key = (keyed != null) ? keyed.key() : null;
			if (keyed != null) {
				placeholders = keyed.placeholders();
			}
		}
		catch (UncacheableCallException ex) {
			warnUncacheable(operation, ex);
			return this.engine.bypass(operation.namespace(), invoker);
		}
		catch (EvaluationException ex) {
			if (this.requirePartition) {
				throw new IllegalStateException("The partition of " + LlmCacheOperationSource.describe(operation.method())
						+ " could not be evaluated and llmcache.require-partition=true: refusing the call", ex);
			}
			warnExpressionFailure(operation, ex);
			return this.engine.bypass(operation.namespace(), invoker);
		}
		if (key == null) {
			if (this.requirePartition) {
				throw new IllegalStateException("The partition of " + LlmCacheOperationSource.describe(operation.method())
						+ " evaluated to nothing and llmcache.require-partition=true: refusing the call");
			}
			return this.engine.bypass(operation.namespace(), invoker);
		}
		// A key with placeholders stands for many callers' tokens: the semantic tier, which compares
		// texts, is not consulted for it.
		CachedCall call = new CachedCall(key, operation.valueType(), operation.ttl(),
				result -> passesUnless(operation, result, args, target),
				placeholders.isEmpty() ? semanticQuery(operation, request, key) : null);
		if (!placeholders.isEmpty()) {
			return substituted(call, placeholders, operation.returnKind(), invoker);
		}
		return switch (operation.returnKind()) {
			case VALUE -> this.engine.call(call, invoker);
			case FUTURE -> this.asyncCalls.future(call,
					() -> ((CompletionStage<?>) invokeUnchecked(invoker)).toCompletableFuture());
			case MONO -> this.asyncCalls.mono(call, () -> (Mono<?>) invokeUnchecked(invoker));
			case FLUX_OF_STRING -> this.asyncCalls.flux(call, false, () -> (Flux<?>) invokeUnchecked(invoker));
			case FLUX_OF_CHAT_RESPONSE -> this.asyncCalls.flux(call, true, () -> (Flux<?>) invokeUnchecked(invoker));
		};
	}

	/**
	 * The placeholder hook: the cache stores, and coalesced callers share, the answer with the
	 * caller's tokens replaced by placeholders; whatever the cache hands back gets this caller's
	 * tokens. On a miss, restoring the template gives the model's answer back unchanged. Streams
	 * never get here (the operation source refuses token stripping for them).
	 */
	private @Nullable Object substituted(CachedCall call, Placeholders placeholders, ReturnKind kind,
			LlmCacheEngine.Invoker invoker) throws Throwable {
		return switch (kind) {
			case VALUE -> placeholders.restore(this.engine.call(call, () -> placeholders.template(invoker.invoke())));
			case FUTURE -> placeholders.restoreAsync(this.asyncCalls.future(call,
					() -> ((CompletionStage<?>) placeholders.templateAsync(invokeUnchecked(invoker))).toCompletableFuture()));
			case MONO -> placeholders.restoreAsync(this.asyncCalls.mono(call,
					() -> (Mono<?>) placeholders.templateAsync(invokeUnchecked(invoker))));
			case FLUX_OF_STRING, FLUX_OF_CHAT_RESPONSE -> this.engine.bypass(call.namespace(), invoker);
		};
	}

	private void warnUncacheable(LlmCachedOperation operation, UncacheableCallException ex) {
		if (this.warnedExpressions.add(operation.method())) {
			logger.warn("llmcache: " + ex.getMessage());
		}
	}

	/**
	 * Invoke a method whose result is asynchronous: a synchronous exception then reaches the caller
	 * through the future or stream, as the lookup before it already ran asynchronously.
	 */
	private static Object invokeUnchecked(LlmCacheEngine.Invoker invoker) {
		try {
			Object result = invoker.invoke();
			if (result == null) {
				throw new IllegalStateException("an @LlmCached method returned null instead of a future or stream");
			}
			return result;
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private @Nullable SemanticQuery semanticQuery(LlmCachedOperation operation, KeyRequest request, CacheKey key) {
		SemanticQueryFactory factory = this.semanticQueries;
		if (!operation.semantic() || factory == null) {
			return null;
		}
		try {
			return factory.queryFor(request, operation.similarityThreshold(), operation.candidates());
		}
		catch (RuntimeException ex) {
			// The exact tiers still work: such a call is cached without the semantic tier.
			this.errorHandler.handleGetError(ex, key);
			return null;
		}
	}

	private boolean passesUnless(LlmCachedOperation operation, @Nullable Object result, @Nullable Object[] args,
			@Nullable Object target) {
		if (operation.unless() == null) {
			return true;
		}
		try {
			EvaluationContext context = this.evaluator.createContext(operation.method(), args, target, result, true);
			return !this.evaluator.isTrue(operation.unless(), context);
		}
		catch (EvaluationException ex) {
			warnExpressionFailure(operation, ex);
			return false;
		}
	}

	private @Nullable Object executeEvict(LlmCacheEvictOperation operation, LlmCacheEngine.Invoker invoker,
			@Nullable Object target, @Nullable Object[] args) throws Throwable {
		if (operation.beforeInvocation()) {
			evict(operation, target, args);
			return invoker.invoke();
		}
		Object result = invoker.invoke();
		evict(operation, target, args);
		return result;
	}

	private void evict(LlmCacheEvictOperation operation, @Nullable Object target, @Nullable Object[] args) {
		try {
			EvaluationContext context = needsContext(operation)
					? this.evaluator.createContext(operation.method(), args, target, null, false) : null;
			if (operation.condition() != null && !this.evaluator.isTrue(operation.condition(), context)) {
				return;
			}
			if (operation.allEntries()) {
				this.engine.cache().clearNamespace(operation.namespace());
				return;
			}
			CacheKey key = this.keyResolver.keyFor(operation, args, context);
			if (key != null) {
				this.engine.cache().evict(key);
			}
		}
		catch (EvaluationException ex) {
			warnExpressionFailure(operation, ex);
		}
		catch (RuntimeException ex) {
			this.errorHandler.handleEvictError(ex, operation.namespace());
		}
	}

	private static boolean needsContext(KeyedOperation operation) {
		return operation.key() != null || operation.partition() != null || operation.condition() != null;
	}

	private void warnExpressionFailure(KeyedOperation operation, EvaluationException ex) {
		if (this.warnedExpressions.add(operation.method())) {
			logger.warn("llmcache: an expression of " + operation + " on "
					+ LlmCacheOperationSource.describe(operation.method())
					+ " failed, so such calls bypass the cache: " + ex.getMessage());
		}
	}

}
