package dev.llmcache.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.flight.LocalSingleFlight;
import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link LlmCacheEngine}'s flow for asynchronous and streaming results: {@code CompletableFuture},
 * {@code Mono} and {@code Flux}.
 *
 * <p>Cache I/O (every tier lookup and store) runs on a bounded executor of its own, never on the
 * thread that completes a future or delivers a stream signal, so a reactive caller's event loop is
 * never blocked. When that executor is saturated, the call goes to the model as a miss. Identical
 * calls in flight are coalesced: futures share one result; streams share one upstream subscription,
 * late joiners replaying what was already received. A streamed answer is stored only when its
 * stream completes normally (and, for {@code ChatResponse} chunks, with a normal finish reason); an
 * error or a cancelled subscription stores nothing. A hit on a stream is replayed, at once or in
 * chunks at a pace. Thread-safe.
 */
public final class AsyncCalls {

	private final LlmCacheEngine engine;

	private final Executor io;

	private final Scheduler ioScheduler;

	private final LocalSingleFlight futures;

	private final ConcurrentHashMap<CacheKey, Flux<Object>> streams = new ConcurrentHashMap<>();

	private final long flightTimeoutMillis;

	private final int replayChunkChars;

	private final Duration replayChunkDelay;

	/**
	 * @param engine the engine whose tiers, policies and listener are used
	 * @param io the bounded executor for cache I/O
	 * @param flightTimeout how long a caller waits for an identical call in flight
	 * @param replayChunkChars characters per chunk when a stored answer is replayed as a stream; 0 for one chunk
	 * @param replayChunkDelay pause between replayed chunks, for UIs that expect typing; zero for none
	 */
	public AsyncCalls(LlmCacheEngine engine, Executor io, Duration flightTimeout, int replayChunkChars,
			Duration replayChunkDelay) {
		this.engine = engine;
		this.io = io;
		this.ioScheduler = Schedulers.fromExecutor(io);
		this.futures = new LocalSingleFlight(flightTimeout);
		this.flightTimeoutMillis = flightTimeout.toMillis();
		this.replayChunkChars = replayChunkChars;
		this.replayChunkDelay = replayChunkDelay;
	}

	/** A call whose result is a {@code CompletableFuture}. */
	public CompletableFuture<@Nullable Object> future(CachedCall call, Supplier<CompletableFuture<?>> invoker) {
		LlmCacheControl control = LlmCacheControl.current();
		LookupSpan start = this.engine.startLookup(call);
		CompletableFuture<Found> found;
		try {
			found = CompletableFuture.supplyAsync(() -> find(call, control), this.io);
		}
		catch (RejectedExecutionException ex) {
			found = CompletableFuture.completedFuture(Found.NOTHING);
		}
		return found.thenCompose(f -> {
			Object hit = answerFromCache(call, f, start);
			if (hit != null) {
				return CompletableFuture.completedFuture(hit);
			}
			if (control.skipsReads()) {
				return invokeAndStore(call, invoker, f.lookup(), start, control);
			}
			LocalSingleFlight.Ticket ticket = this.futures.join(call.key(), (f.lookup() != null) ? f.lookup().token() : null);
			if (!ticket.isLeader()) {
				return ticket.future()
					.copy()
					.completeOnTimeout(LocalSingleFlight.NO_SHARED_RESULT, this.flightTimeoutMillis, TimeUnit.MILLISECONDS)
					.exceptionallyCompose(ex -> (unwrap(ex) instanceof CancellationException)
							? CompletableFuture.completedFuture(LocalSingleFlight.NO_SHARED_RESULT)
							: CompletableFuture.failedFuture(unwrap(ex)))
					.thenCompose(shared -> {
						if (shared == LocalSingleFlight.NO_SHARED_RESULT) {
							return invokeAndStore(call, invoker, f.lookup(), start, control);
						}
						this.engine.answered(call, Outcome.COALESCED, null, start, null);
						return CompletableFuture.completedFuture(shared);
					});
			}
			CompletableFuture<@Nullable Object> result = invokeAndStore(call, invoker, f.lookup(), start, control);
			result.whenComplete((value, ex) -> {
				if (ex != null) {
					ticket.fail(unwrap(ex));
				}
				else {
					ticket.succeed(value);
				}
			});
			return result;
		});
	}

	/** A call whose result is a {@code Mono}: looked up when subscribed, like the Mono itself. */
	public Mono<Object> mono(CachedCall call, Supplier<Mono<?>> invoker) {
		LlmCacheControl control = LlmCacheControl.current();
		return Mono.defer(() -> {
			try (LlmCacheControl.Scope scope = control.open()) {
				return Mono.fromFuture(future(call, () -> invoker.get().toFuture()));
			}
		});
	}

	/**
	 * A call whose result is a {@code Flux} of {@code String} or {@code ChatResponse} chunks.
	 * @param chatResponses whether the chunks are {@code ChatResponse}s (else strings)
	 */
	public Flux<Object> flux(CachedCall call, boolean chatResponses, Supplier<Flux<?>> invoker) {
		LlmCacheControl control = LlmCacheControl.current();
		return Flux.defer(() -> {
			LookupSpan start = this.engine.startLookup(call);
			return Mono.fromCallable(() -> find(call, control))
				.subscribeOn(this.ioScheduler)
				.onErrorReturn(RejectedExecutionException.class, Found.NOTHING)
				.flatMapMany(f -> {
					Object hit = answerFromCache(call, f, start);
					if (hit != null) {
						return replay(hit);
					}
					Flux<Object> recorded = record(call, chatResponses, invoker, f.lookup(), start, control);
					if (control.skipsReads()) {
						return recorded;
					}
					AtomicReference<Flux<Object>> self = new AtomicReference<>();
					// Leave the in-flight map before the end reaches any subscriber: a call made as soon
					// as a stream failed must not join it and replay its error.
					Flux<Object> shared = recorded.doOnTerminate(() -> this.streams.remove(call.key(), self.get()))
						.doFinally(signal -> this.streams.remove(call.key(), self.get()))
						.replay()
						.refCount();
					self.set(shared);
					Flux<Object> existing = this.streams.putIfAbsent(call.key(), shared);
					if (existing != null) {
						this.engine.answered(call, Outcome.COALESCED, null, start, null);
						return existing;
					}
					return shared;
				})
				.doOnCancel(start::abandon);
		});
	}

	private Flux<Object> record(CachedCall call, boolean chatResponses, Supplier<Flux<?>> invoker,
			TieredCache.@Nullable Lookup lookup, LookupSpan start, LlmCacheControl control) {
		return Flux.defer(() -> {
			StreamRecorder recorder = new StreamRecorder(chatResponses);
			long lookupNanos = start.elapsedNanos();
			start.end(Outcome.MISS, null, null);
			long modelStart = System.nanoTime();
			Mono<Object> storeWhenComplete = Mono.<Object>fromRunnable(() -> {
				Object whole = recorder.result();
				CachedValue stored = (whole != null && lookup != null && !control.isNoStore())
						? this.engine.store(call, whole, lookup, control) : null;
				this.engine.deliver(new CallEvent(call.namespace(), Outcome.MISS, stored, lookupNanos,
						System.nanoTime() - modelStart, null));
			}).subscribeOn(this.ioScheduler).onErrorResume(RejectedExecutionException.class, ex -> Mono.empty());
			return invoker.get()
				.<Object>map(chunk -> chunk)
				.doOnNext(recorder::add)
				.doOnError(ex -> this.engine.deliver(new CallEvent(call.namespace(), Outcome.ERROR, null,
						lookupNanos, System.nanoTime() - modelStart, null)))
				.concatWith(storeWhenComplete);
		});
	}

	private Flux<Object> replay(Object stored) {
		List<Object> chunks = StreamRecorder.chunks(stored, this.replayChunkChars);
		Flux<Object> flux = Flux.fromIterable(chunks);
		return (this.replayChunkDelay.isZero() || chunks.size() == 1) ? flux : flux.delayElements(this.replayChunkDelay);
	}

	private CompletableFuture<@Nullable Object> invokeAndStore(CachedCall call, Supplier<CompletableFuture<?>> invoker,
			TieredCache.@Nullable Lookup lookup, LookupSpan start, LlmCacheControl control) {
		long lookupNanos = start.elapsedNanos();
		start.end(Outcome.MISS, null, null);
		long modelStart = System.nanoTime();
		CompletableFuture<?> upstream;
		try {
			upstream = invoker.get();
		}
		catch (RuntimeException ex) {
			this.engine.deliver(new CallEvent(call.namespace(), Outcome.ERROR, null, lookupNanos, 0, null));
			return CompletableFuture.failedFuture(ex);
		}
		if (upstream == null) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<@Nullable Object> out = new CompletableFuture<>();
		upstream.whenComplete((value, ex) -> {
			long modelNanos = System.nanoTime() - modelStart;
			if (ex != null) {
				this.engine.deliver(new CallEvent(call.namespace(), Outcome.ERROR, null, lookupNanos, modelNanos, null));
				out.completeExceptionally(unwrap(ex));
				return;
			}
			try {
				this.io.execute(() -> {
					try {
						CachedValue stored = (lookup != null && !control.isNoStore())
								? this.engine.store(call, value, lookup, control) : null;
						this.engine.deliver(new CallEvent(call.namespace(), Outcome.MISS, stored, lookupNanos,
								modelNanos, null));
					}
					finally {
						out.complete(value);
					}
				});
			}
			catch (RejectedExecutionException rejected) {
				out.complete(value);
			}
		});
		return out;
	}

	/** A value answered from a tier, or null on a miss (after reporting the hit). */
	private @Nullable Object answerFromCache(CachedCall call, Found found, LookupSpan start) {
		TieredCache.Lookup lookup = found.lookup();
		if (lookup != null && lookup.isHit()) {
			CachedValue entry = lookup.value();
			this.engine.answered(call, lookup.isSharedHit() ? Outcome.L2_HIT : Outcome.L1_HIT, entry, start,
					null);
			return entry.value();
		}
		SemanticTier.Match match = found.match();
		SemanticTier tier = this.engine.semanticTier();
		if (match != null && tier != null && !tier.isShadow()) {
			this.engine.answered(call, Outcome.SEMANTIC_HIT, match.entry(), start, match.similarity());
			return match.entry().value();
		}
		return null;
	}

	private Found find(CachedCall call, LlmCacheControl control) {
		if (control.skipsReads()) {
			TieredCache.Lookup lookup = this.engine.lookup(call, false);
			return new Found((lookup != null) ? lookup.withoutValue() : null, null);
		}
		TieredCache.Lookup lookup = this.engine.lookup(call, true);
		if (lookup != null && lookup.isHit()) {
			return new Found(lookup, null);
		}
		SemanticQuery query = this.engine.semanticQuery(call, control);
		return new Found(lookup, (query != null) ? this.engine.findSemantic(call, query) : null);
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private record Found(TieredCache.@Nullable Lookup lookup, SemanticTier.@Nullable Match match) {

		static final Found NOTHING = new Found(null, null);

	}

}
