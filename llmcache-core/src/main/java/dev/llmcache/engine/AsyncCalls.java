package dev.llmcache.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.control.LlmCacheControlPropagation;
import io.micrometer.context.ContextSnapshot;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The asynchronous return types as thin adapters over the engine's one call flow: a
 * {@code CompletableFuture}, a single-valued publisher ({@code Mono}), and a stream ({@code Flux}).
 * Other reactive libraries reach these through Spring's {@code ReactiveAdapterRegistry}.
 *
 * <p>Cache I/O (every tier lookup and store) runs on a bounded executor of its own, never on the
 * thread that completes a future or delivers a stream signal, so a reactive caller's event loop is
 * never blocked; no thread is held while a call waits for an identical one in flight, here or on
 * another instance. When the executor is saturated, the lookup is skipped (the call goes to the
 * model as a miss) and later steps run on the common pool. Identical calls in flight are
 * coalesced: futures share one result; streams share one upstream subscription, late joiners
 * replaying what was already received. A streamed answer is stored only when its stream completes
 * normally (and, for {@code ChatResponse} chunks, with a normal finish reason); an error or a
 * cancelled subscription stores nothing. A hit on a stream is replayed, at once or in chunks at a
 * pace. Thread-safe.
 */
public final class AsyncCalls {

	private final LlmCacheEngine engine;

	private final Executor io;

	private final Executor ioOrCommonPool;

	private final Scheduler ioScheduler;

	private final int replayChunkChars;

	private final Duration replayChunkDelay;

	/**
	 * @param engine the engine whose flow, tiers, policies and listener are used
	 * @param io the bounded executor for cache I/O
	 * @param replayChunkChars characters per chunk when a stored answer is replayed as a stream; 0 for one chunk
	 * @param replayChunkDelay pause between replayed chunks, for UIs that expect typing; zero for none
	 */
	public AsyncCalls(LlmCacheEngine engine, Executor io, int replayChunkChars, Duration replayChunkDelay) {
		this.engine = engine;
		// Every task runs under the control of the thread that submitted it: the model call a miss
		// makes on an I/O thread sees the caller's control, as a plain call sees it on its own thread.
		this.io = LlmCacheControlPropagation.propagating(io);
		Executor commonPool = LlmCacheControlPropagation.propagating(ForkJoinPool.commonPool());
		this.ioOrCommonPool = task -> {
			try {
				this.io.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// Past the lookup the call is committed: its store and events must still run.
				commonPool.execute(task);
			}
		};
		this.ioScheduler = Schedulers.fromExecutor(this.io);
		this.replayChunkChars = replayChunkChars;
		this.replayChunkDelay = replayChunkDelay;
	}

	/** A call whose result is a {@code CompletableFuture}, invoked on an I/O thread after a miss. */
	public CompletableFuture<@Nullable Object> future(CachedCall call, Supplier<CompletableFuture<?>> invoker) {
		LlmCacheControl control = LlmCacheControl.current();
		LookupSpan span = this.engine.startLookup(call);
		CallFlow flow = this.engine.flow();
		CachedValue local = flow.answerLocally(call, control, span);
		if (local != null) {
			return CompletableFuture.completedFuture(local.value());
		}
		CompletableFuture<CallFlow.Found> found;
		try {
			found = CompletableFuture.supplyAsync(() -> flow.find(call, control), this.io);
		}
		catch (RejectedExecutionException ex) {
			found = CompletableFuture.completedFuture(flow.nothingFound(call));
		}
		return found.thenCompose(f -> {
			CallFlow.Reply hit = flow.answerFromCache(call, f, span);
			if (hit != null) {
				return CompletableFuture.completedFuture(hit.value());
			}
			return flow.miss(call, control, span, f, false, single(invoker), this.ioOrCommonPool)
				.thenApply(CallFlow.Reply::value);
		});
	}

	/** A call whose result is a {@code Mono}: looked up when subscribed, like the Mono itself. */
	public Mono<Object> mono(CachedCall call, Supplier<? extends Mono<?>> invoker) {
		ContextSnapshot caller = LlmCacheControlPropagation.capture();
		return Mono.deferContextual(context -> {
			try (ContextSnapshot.Scope scope = LlmCacheControlPropagation.openFrom(context)) {
				return Mono.fromFuture(future(call, () -> invoker.get().toFuture()));
			}
		}).contextWrite(caller::updateContext);
	}

	/**
	 * A call whose result is a {@code Flux} of {@code String} or {@code ChatResponse} chunks.
	 * @param chatResponses whether the chunks are {@code ChatResponse}s (else strings)
	 */
	public Flux<Object> flux(CachedCall call, boolean chatResponses, Supplier<? extends Flux<?>> invoker) {
		StreamShape<Object> shape = chatResponses ? StreamShape.CHAT_RESPONSES : StreamShape.STRINGS;
		return stream(call, shape, invoker);
	}

	/**
	 * A call whose result is a stream of chunks of any type: looked up when subscribed. On a miss
	 * the chunks pass through as they arrive; a hit, or an answer another instance stored while this
	 * call waited for it, is replayed; a call coalesced onto an identical stream in flight receives
	 * its chunks, adapted by {@link StreamShape#forFollower}.
	 */
	public <E> Flux<E> stream(CachedCall call, StreamShape<E> shape, Supplier<? extends Flux<? extends E>> invoker) {
		ContextSnapshot caller = LlmCacheControlPropagation.capture();
		CallFlow flow = this.engine.flow();
		return Flux.deferContextual(context -> {
			LlmCacheControl control;
			try (ContextSnapshot.Scope scope = LlmCacheControlPropagation.openFrom(context)) {
				control = LlmCacheControl.current();
			}
			LookupSpan span = this.engine.startLookup(call);
			// The upstream is subscribed by the shared replay, not by this subscriber: hand it this context.
			CachedValue local = flow.answerLocally(call, control, span);
			if (local != null) {
				return replay(local.value(), shape);
			}
			Supplier<Flux<? extends E>> withContext = () -> Flux.from(invoker.get()).contextWrite(context);
			return Mono.fromCallable(() -> flow.find(call, control))
				.subscribeOn(this.ioScheduler)
				.onErrorResume(RejectedExecutionException.class, ex -> Mono.just(flow.nothingFound(call)))
				.flatMapMany(f -> {
					CallFlow.Reply hit = flow.answerFromCache(call, f, span);
					if (hit != null) {
						return replay(hit.value(), shape);
					}
					// The model call is handed to an I/O thread from here: it takes the control from this thread.
					try (ContextSnapshot.Scope scope = LlmCacheControlPropagation.openFrom(context)) {
						return Mono
							.fromFuture(flow.miss(call, control, span, f, true, streamOf(shape, withContext),
									this.ioOrCommonPool))
							.flatMapMany(reply -> answer(reply, shape));
					}
				})
				.doOnCancel(span::abandon);
		}).contextWrite(caller::updateContext);
	}

	@SuppressWarnings("unchecked")
	private <E> Flux<E> answer(CallFlow.Reply reply, StreamShape<E> shape) {
		if (reply.value() == null) {
			return Flux.empty();
		}
		if (reply.stored()) {
			return replay(reply.value(), shape);
		}
		Flux<E> live = (Flux<E>) reply.value();
		return reply.shared() ? live.map(shape::forFollower) : live;
	}

	private static CallFlow.Producer single(Supplier<CompletableFuture<?>> invoker) {
		return (storer, observation) -> {
			CompletableFuture<?> upstream = invoker.get();
			if (upstream == null) {
				return null;
			}
			return upstream.handle((value, ex) -> {
				if (ex != null) {
					storer.failed(ex);
					return CallerRuns.<Object>failed(ex);
				}
				return storer.stored(value, null).thenApply(stored -> (Object) value);
			}).thenCompose(next -> next);
		};
	}

	private static <E> CallFlow.Producer streamOf(StreamShape<E> shape, Supplier<? extends Flux<? extends E>> invoker) {
		return (storer, observation) -> {
			StreamRecorder recorder = new StreamRecorder(shape.chatResponses());
			Flux<E> upstream = Flux.from(invoker.get());
			Flux<E> live = upstream.doOnNext(chunk -> recorder.add(shape.part(chunk)))
				.doOnError(storer::failed)
				.concatWith(Mono.defer(() -> Mono.fromFuture(storer.stored(recorder.result(), null))).then(Mono.empty()))
				// Leave the flight before the end reaches any subscriber: a call made as soon as a
				// stream failed must not join it and replay its error.
				.doOnTerminate(storer::finished)
				.doOnCancel(storer::abandoned)
				.doFinally(signal -> storer.finished())
				.replay()
				.refCount();
			return CompletableFuture.completedFuture(live);
		};
	}

	private <E> Flux<E> replay(@Nullable Object stored, StreamShape<E> shape) {
		if (stored == null) {
			return Flux.empty();
		}
		List<Object> chunks = StreamRecorder.chunks(stored, this.replayChunkChars);
		Flux<E> flux = Flux.fromIterable(chunks).map(shape::fromStored);
		return (this.replayChunkDelay.isZero() || chunks.size() == 1) ? flux : flux.delayElements(this.replayChunkDelay);
	}

	/**
	 * How the chunks of one kind of stream relate to the answer stored for it, which is a
	 * {@code String} or a {@code ChatResponse}.
	 *
	 * @param <E> the chunk type
	 */
	public interface StreamShape<E> {

		/** Chunks are strings, joined into a string. */
		StreamShape<Object> STRINGS = new Unchanged(false);

		/** Chunks are {@code ChatResponse}s, aggregated into one. */
		StreamShape<Object> CHAT_RESPONSES = new Unchanged(true);

		/** Whether the stored answer is a {@code ChatResponse} (else a {@code String}). */
		boolean chatResponses();

		/** The {@code String} or {@code ChatResponse} a chunk adds to the answer; null for none. */
		@Nullable Object part(E chunk);

		/** A chunk of a stored answer, as the stream's caller expects it. */
		E fromStored(Object chunk);

		/** A chunk of another caller's live stream, as this caller should see it. */
		default E forFollower(E chunk) {
			return chunk;
		}

	}

	/** A stream whose chunks are the stored parts themselves. */
	private record Unchanged(boolean chatResponses) implements StreamShape<Object> {

		@Override
		public Object part(Object chunk) {
			return chunk;
		}

		@Override
		public Object fromStored(Object chunk) {
			return chunk;
		}

	}

}
