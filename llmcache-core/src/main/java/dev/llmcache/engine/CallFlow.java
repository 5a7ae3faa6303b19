package dev.llmcache.engine;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.flight.DistributedFlight;
import dev.llmcache.flight.LocalSingleFlight;
import dev.llmcache.tier.StoreToken;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.usage.ModelUsageRecorder;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The one flow of a cached call, for every return type: look up, coalesce identical misses (in
 * this JVM, then across instances through the {@link DistributedFlight} lease), call the model,
 * store under the call's {@link StoreToken}, report. It is written over {@link CompletableFuture}s;
 * the return types are thin adapters around it ({@link LlmCacheEngine#call} for a plain value,
 * {@link AsyncCalls} for futures and reactive types).
 *
 * <p>Threads: every step that may block on cache I/O (a lookup, a store) runs on the call's
 * {@code io} executor; waiting never holds a thread: followers wait on a future, lease waiters on
 * a notice or a timer. For a plain call {@code io} is the caller's own thread ({@link CallerRuns}),
 * so such a call runs exactly where it did before. The model is invoked on the thread that ran the
 * step before it: the caller's for a plain call, an {@code io} thread otherwise.
 *
 * <p>Thread-safe.
 */
final class CallFlow {

	static final long FIRST_POLL_MILLIS = 10;

	static final long MAX_POLL_MILLIS = 200;

	private final LlmCacheEngine engine;

	private final FlightSettings settings;

	private final LocalSingleFlight flights;

	private final @Nullable DistributedFlight distributed;

	CallFlow(LlmCacheEngine engine, FlightSettings settings) {
		this.engine = engine;
		this.settings = settings;
		this.flights = new LocalSingleFlight(settings.timeout());
		// A tier that can coordinate instances (Redis) offers it; the flow never names one.
		this.distributed = engine.cache()
			.tiers()
			.stream()
			.filter(DistributedFlight.class::isInstance)
			.map(DistributedFlight.class::cast)
			.findFirst()
			.orElse(null);
	}

	/**
	 * The answer a call gets.
	 *
	 * @param value the value: a stored answer, or what the model call produced (for a stream, the
	 * live stream, shared with coalesced callers)
	 * @param stored whether it is a stored answer (which a stream replays) rather than a live result
	 * @param shared whether it came from another caller's flight in this JVM
	 */
	record Reply(@Nullable Object value, boolean stored, boolean shared) {

		Reply(@Nullable Object value, boolean stored) {
			this(value, stored, false);
		}

		Reply asShared() {
			return new Reply(this.value, this.stored, true);
		}

	}

	/**
	 * What the lookup found, and the token the call took before it.
	 */
	record Found(TieredCache.@Nullable Lookup lookup, SemanticTier.@Nullable Match match,
			@Nullable SemanticQuery semantic, StoreToken token) {
	}

	/** Starts the model call of one return type. */
	interface Producer {

		/**
		 * Invoke the model. A single value completes the returned future after handing the value
		 * to {@link Storer#stored} and waiting for it; a stream completes it at once with the live
		 * stream, which calls the storer itself when it ends. A failure is reported to
		 * {@link Storer#failed} (the flow does so for what this method throws).
		 */
		CompletableFuture<Object> start(Storer storer, Observation observation) throws Throwable;

	}

	/** What a producer tells the flow; exactly one of the first three is called. */
	interface Storer {

		/** The model call completed: store its whole result (if it may be), then report. */
		CompletableFuture<Void> stored(@Nullable Object whole, ModelUsageRecorder.@Nullable Recording usage);

		/** The model call failed: nothing is stored. */
		void failed(Throwable failure);

		/** The caller went away before the end (a cancelled stream): nothing is stored. */
		void abandoned();

		/** A stream ended in any way: callers that come now start a new call. */
		void finished();

	}

	/**
	 * A hit in the tiers of this JVM, reported as such, or null. It runs on any thread (it does no
	 * I/O and never blocks) and before {@link #find}, which a null answer leaves to decide: most calls
	 * are such hits, and they need none of the bookkeeping of a miss (a token, a lookup record).
	 */
	@Nullable CachedValue answerLocally(CachedCall call, LlmCacheControl control, LookupSpan span) {
		if (control.skipsReads()) {
			return null;
		}
		CachedValue entry = this.engine.peekLocal(call);
		if (entry != null) {
			this.engine.answered(call, Outcome.L1_HIT, entry, span, null);
		}
		return entry;
	}

	/** Look a call up, on the calling thread; takes its token first. */
	Found find(CachedCall call, LlmCacheControl control) {
		// Before the token: a refresh's own eviction must not refuse its store.
		this.engine.refreshing(call, control);
		StoreToken token = this.engine.cache().begin(call.key());
		if (control.skipsReads()) {
			TieredCache.Lookup lookup = this.engine.lookup(call, false, token);
			return new Found((lookup != null) ? lookup.withoutValue() : null, null, null, token);
		}
		TieredCache.Lookup lookup = this.engine.lookup(call, true, token);
		if (lookup != null && lookup.isHit()) {
			return new Found(lookup, null, null, token);
		}
		SemanticQuery query = this.engine.semanticQuery(call, control);
		SemanticTier.Match match = (query != null) ? this.engine.findSemantic(call, query) : null;
		return new Found(lookup, match, query, token);
	}

	/** A call whose lookup could not even be made (the I/O executor refused it): a miss that stores nothing. */
	Found nothingFound(CachedCall call) {
		return new Found(null, null, null, this.engine.cache().begin(call.key()));
	}

	/** The stored answer, reported as a hit, or null on a miss. */
	@Nullable Reply answerFromCache(CachedCall call, Found found, LookupSpan span) {
		TieredCache.Lookup lookup = found.lookup();
		if (lookup != null && lookup.isHit()) {
			CachedValue entry = lookup.value();
			this.engine.answered(call, lookup.isSharedHit() ? Outcome.L2_HIT : Outcome.L1_HIT, entry, span, null);
			return new Reply(entry.value(), true);
		}
		SemanticTier.Match match = found.match();
		SemanticTier tier = this.engine.semanticTier();
		if (match != null && tier != null && !tier.isShadow()) {
			this.engine.answered(call, Outcome.SEMANTIC_HIT, match.entry(), span, match.similarity());
			return new Reply(match.entry().value(), true);
		}
		return null;
	}

	/**
	 * The rest of a call whose lookup missed.
	 * @param stream whether the producer's result is a live stream (shared with coalesced callers
	 * until it ends) rather than a single value
	 * @param io where cache I/O runs
	 */
	CompletableFuture<Reply> miss(CachedCall call, LlmCacheControl control, LookupSpan span, Found found,
			boolean stream, Producer producer, Executor io) {
		if (control.skipsReads()) {
			return invokeAndStore(call, control, span, found, producer, io, null, null);
		}
		LocalSingleFlight.Ticket ticket = this.flights.join(call.key(), found.token());
		if (!ticket.isLeader()) {
			return follow(call, control, span, found, producer, io, ticket);
		}
		CompletableFuture<Reply> reply;
		try {
			reply = lead(call, control, span, found, producer, io, stream ? ticket::leave : null);
		}
		catch (RuntimeException | Error ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		reply.whenComplete((result, ex) -> {
			if (ex != null) {
				ticket.fail(CallerRuns.unwrap(ex));
			}
			else if (stream && !result.stored()) {
				// Callers that come while the stream runs join it; it leaves the flight when it ends.
				ticket.share(result);
			}
			else {
				ticket.succeed(result);
			}
		});
		return reply;
	}

	private CompletableFuture<Reply> follow(CachedCall call, LlmCacheControl control, LookupSpan span, Found found,
			Producer producer, Executor io, LocalSingleFlight.Ticket ticket) {
		return ticket.future()
			.copy()
			.completeOnTimeout(LocalSingleFlight.NO_SHARED_RESULT, this.settings.timeout().toMillis(),
					TimeUnit.MILLISECONDS)
			.handleAsync((shared, ex) -> {
				Object outcome = shared;
				if (ex != null) {
					Throwable cause = CallerRuns.unwrap(ex);
					if (!(cause instanceof CancellationException)) {
						return CompletableFuture.<Reply>failedFuture(cause);
					}
					outcome = LocalSingleFlight.NO_SHARED_RESULT;
				}
				if (outcome == LocalSingleFlight.NO_SHARED_RESULT) {
					// The leader took too long or its caller went away: call the model ourselves.
					return invokeAndStore(call, control, span, found, producer, io, null, null);
				}
				this.engine.answered(call, Outcome.COALESCED, null, span, null);
				return CompletableFuture.completedFuture(((Reply) outcome).asShared());
			}, io)
			.thenCompose(next -> next);
	}

	private CompletableFuture<Reply> lead(CachedCall call, LlmCacheControl control, LookupSpan span, Found found,
			Producer producer, Executor io, @Nullable Runnable leave) {
		DistributedFlight distributed = this.distributed;
		TieredCache.Lookup lookup = found.lookup();
		if (!this.settings.distributed() || distributed == null || lookup == null || !lookup.isConclusive()) {
			return invokeAndStore(call, control, span, found, producer, io, leave, null);
		}
		Lease lease = new Lease(call, control, span, found, producer, io, leave, distributed,
				UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
				System.currentTimeMillis() + this.settings.timeout().toMillis());
		return lease.acquire(FIRST_POLL_MILLIS);
	}

	/**
	 * A leader's turn at the cross-instance lease: take it and call the model, or wait for its
	 * holder's result without holding a thread (a notice from the holder, else a timer), then look
	 * the key up again; past the flight timeout, or when the lease cannot be reached, call the
	 * model anyway.
	 */
	private final class Lease {

		private final CachedCall call;

		private final LlmCacheControl control;

		private final LookupSpan span;

		private final Found found;

		private final Producer producer;

		private final Executor io;

		private final @Nullable Runnable leave;

		private final DistributedFlight distributed;

		private final byte[] holder;

		private final long deadline;

		Lease(CachedCall call, LlmCacheControl control, LookupSpan span, Found found, Producer producer, Executor io,
				@Nullable Runnable leave, DistributedFlight distributed, byte[] holder, long deadline) {
			this.call = call;
			this.control = control;
			this.span = span;
			this.found = found;
			this.producer = producer;
			this.io = io;
			this.leave = leave;
			this.distributed = distributed;
			this.holder = holder;
			this.deadline = deadline;
		}

		CompletableFuture<Reply> acquire(long pause) {
			long leaseMillis = CallFlow.this.settings.lease().toMillis();
			return this.distributed.acquire(this.call.key(), this.holder, leaseMillis)
				.thenComposeAsync(lease -> switch (lease) {
					case ACQUIRED -> lead();
					case UNAVAILABLE -> invokeAndStore(this.call, this.control, this.span, this.found, this.producer,
							this.io, this.leave, null);
					case HELD_ELSEWHERE -> (System.currentTimeMillis() >= this.deadline)
							? invokeAndStore(this.call, this.control, this.span, this.found, this.producer, this.io,
									this.leave, null)
							: await(pause);
				}, this.io);
		}

		private CompletableFuture<Reply> lead() {
			// Another instance may have stored the value between our miss and our lease.
			Reply stored = storedMeanwhile();
			if (stored != null) {
				release();
				return CompletableFuture.completedFuture(stored);
			}
			return invokeAndStore(this.call, this.control, this.span, this.found, this.producer, this.io, this.leave,
					this::release);
		}

		private CompletableFuture<Reply> await(long pause) {
			CompletableFuture<Void> notice = this.distributed.announced(this.call.key());
			CompletableFuture<Object> timer = new CompletableFuture<>()
				.completeOnTimeout(Boolean.TRUE, pause, TimeUnit.MILLISECONDS);
			return CompletableFuture.anyOf(notice, timer).handleAsync((ignored, ex) -> {
				notice.cancel(false);
				Reply stored = storedMeanwhile();
				return (stored != null) ? CompletableFuture.completedFuture(stored)
						: acquire(Math.min(pause * 2, MAX_POLL_MILLIS));
			}, this.io).thenCompose(next -> next);
		}

		private @Nullable Reply storedMeanwhile() {
			TieredCache.Lookup again = CallFlow.this.engine.lookup(this.call, false, this.found.token());
			if (again != null && again.isHit()) {
				CallFlow.this.engine.answered(this.call, Outcome.COALESCED, again.value(), this.span, null);
				return new Reply(again.value().value(), true);
			}
			return null;
		}

		private void release() {
			this.distributed.release(this.call.key(), this.holder)
				.whenComplete((ignored, ex) -> this.distributed.announce(this.call.key()));
		}

	}

	/**
	 * Call the model and store what it produced.
	 * @param leave what ends the call's local flight when its stream ends, if it leads one
	 * @param afterwards what runs once the result is stored or the call failed (a lease release)
	 */
	CompletableFuture<Reply> invokeAndStore(CachedCall call, LlmCacheControl control, LookupSpan span, Found found,
			Producer producer, Executor io, @Nullable Runnable leave, @Nullable Runnable afterwards) {
		long lookupNanos = span.elapsedNanos();
		span.end(Outcome.MISS, null, null);
		Observation observation = this.engine.startModelObservation(call);
		StoreStep storer = new StoreStep(call, control, found, io, lookupNanos, observation, leave, afterwards);
		CompletableFuture<Object> live;
		try {
			live = producer.start(storer, observation);
		}
		catch (Throwable ex) {
			storer.failed(ex);
			return CallerRuns.failed(ex);
		}
		if (live == null) {
			storer.abandoned();
			return CompletableFuture.completedFuture(new Reply(null, false));
		}
		return live.thenApply(value -> new Reply(value, false));
	}

	/** The end of one model call: store, report, release. */
	private final class StoreStep implements Storer {

		private final CachedCall call;

		private final LlmCacheControl control;

		private final Found found;

		private final Executor io;

		private final long lookupNanos;

		private final long modelStart = System.nanoTime();

		private final Observation observation;

		private final @Nullable Runnable leave;

		private final @Nullable Runnable afterwards;

		private final AtomicBoolean ended = new AtomicBoolean();

		StoreStep(CachedCall call, LlmCacheControl control, Found found, Executor io, long lookupNanos,
				Observation observation, @Nullable Runnable leave, @Nullable Runnable afterwards) {
			this.call = call;
			this.control = control;
			this.found = found;
			this.io = io;
			this.lookupNanos = lookupNanos;
			this.observation = observation;
			this.leave = leave;
			this.afterwards = afterwards;
		}

		@Override
		public CompletableFuture<Void> stored(@Nullable Object whole, ModelUsageRecorder.@Nullable Recording usage) {
			if (!this.ended.compareAndSet(false, true)) {
				return CompletableFuture.completedFuture(null);
			}
			this.observation.stop();
			long modelNanos = System.nanoTime() - this.modelStart;
			CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
				LlmCacheEngine engine = CallFlow.this.engine;
				TieredCache.Lookup lookup = this.found.lookup();
				CachedValue entry = (whole != null && lookup != null && !this.control.isNoStore())
						? engine.store(this.call, whole, lookup, this.control, usage) : null;
				if (this.found.match() != null && this.found.semantic() != null) {
					engine.shadowed(this.call, this.found.semantic(), this.found.match(), whole);
				}
				engine.deliver(new CallEvent(this.call.namespace(), Outcome.MISS, entry, this.lookupNanos, modelNanos,
						null));
			}, this.io);
			done.whenComplete((ignored, ex) -> runAfterwards());
			return done.exceptionally(ex -> null);
		}

		@Override
		public void failed(Throwable failure) {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			this.observation.error(CallerRuns.unwrap(failure));
			this.observation.stop();
			CallFlow.this.engine.deliver(new CallEvent(this.call.namespace(), Outcome.ERROR, null, this.lookupNanos,
					System.nanoTime() - this.modelStart, null));
			runAfterwards();
		}

		@Override
		public void abandoned() {
			if (!this.ended.compareAndSet(false, true)) {
				return;
			}
			this.observation.stop();
			runAfterwards();
		}

		@Override
		public void finished() {
			if (this.leave != null) {
				this.leave.run();
			}
		}

		private void runAfterwards() {
			if (this.afterwards != null) {
				this.afterwards.run();
			}
		}

	}

}
