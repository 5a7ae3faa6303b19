package dev.llmcache.advisor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmcache.codec.ValueType;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.engine.AsyncCalls;
import dev.llmcache.engine.CachedCall;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.SemanticQuery;
import dev.llmcache.key.CacheKey;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.core.Ordered;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;

/**
 * A Spring AI {@code ChatClient} advisor that answers repeated requests from the llmcache tiers,
 * for applications that use advisors rather than {@code @LlmCached} methods:
 *
 * <pre>{@code
 * ChatClient chat = ChatClient.builder(chatModel).defaultAdvisors(llmCacheAdvisor).build();
 * chat.prompt().user(question)
 *     .advisors(a -> a.param(LlmCacheAdvisor.PARTITION, tenantId))   // optional
 *     .call().content();
 * }</pre>
 *
 * <p>It goes through the same {@link LlmCacheEngine} as the annotation, so both share tiers,
 * cacheability policy, single-flight and listeners (metrics). The key is built by the
 * {@link LlmCacheKeyGenerator} over the {@link Prompt} as it reaches this advisor: every message
 * with its role, the model and the sampling options. By default the advisor sits late in the
 * chain ({@link #DEFAULT_ORDER}), after memory, tool-calling and structured-output advisors, so the
 * key is what the model will see; tool calls are then cached (or not) one model call at a time.
 *
 * <p>{@code call()}: a hit returns the stored {@link ChatResponse} with the request's context. A
 * request whose temperature is above the limit, or whose prompt cannot be made canonical,
 * bypasses the cache (the latter logged once).
 *
 * <p>{@code stream()}: on a miss the chunks pass through as they arrive while they are aggregated;
 * the aggregated response is stored only when the stream completes normally and the policy
 * accepts it (a normal finish reason, no tool calls), never after an error or a cancellation. A
 * hit replays the stored response as a single chunk; a stream coalesced onto an identical one in
 * flight receives its chunks as they come. Streams go through the engine's one asynchronous flow:
 * no thread is held while a stream runs or waits; only the cache's own I/O (lookups, the store)
 * runs on the given scheduler ({@link Schedulers#boundedElastic()} by default).
 *
 * <p>Semantic matching (off unless {@link Builder#semantic(SemanticQueryFactory)} is given one):
 * after an exact miss, the semantic tier of the engine looks for an earlier request whose last
 * user message means the same, under the same guards, shadow mode and metrics as
 * {@code @LlmCached(semantic = true)}. Everything but the text of that last user message must
 * match exactly: namespace, partition, system prompt, earlier history, model, options and tools.
 * A request turns it off with {@code a.param(LlmCacheAdvisor.SEMANTIC, false)} or raises the
 * threshold with {@code a.param(LlmCacheAdvisor.MIN_SIMILARITY, 0.95)}; the thread's
 * {@link LlmCacheControl} applies on top.
 *
 * <p>The {@link LlmCacheControl} of the thread that calls the chat client applies, for streams as
 * well. Thread-safe.
 */
public final class LlmCacheAdvisor implements CallAdvisor, StreamAdvisor {

	/** Advisor parameter: the partition (tenant or user) of a request; absent means shared. */
	public static final String PARTITION = "llmcache.partition";

	/**
	 * Advisor parameter: {@code false} (a {@code Boolean} or the string {@code "false"}) makes this
	 * request match exactly only, though the advisor has semantic matching on; absent means on.
	 */
	public static final String SEMANTIC = "llmcache.semantic";

	/**
	 * Advisor parameter: the lowest cosine similarity in [0, 1] a semantic hit may have for this
	 * request (a {@code Number} or a numeric string). It only raises the configured threshold: a
	 * lower value leaves it as it is.
	 */
	public static final String MIN_SIMILARITY = "llmcache.min-similarity";

	/**
	 * Response context key: {@code Boolean.TRUE} on a response answered from the cache (or shared
	 * with an identical request in flight) rather than by the model; absent otherwise.
	 */
	public static final String CACHED = "llmcache.cached";

	public static final String DEFAULT_NAMESPACE = "chat-client";

	/**
	 * After the usual advisors (chat memory, tool calling, structured-output validation), before
	 * the model call itself.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

	private static final Log logger = LogFactory.getLog(LlmCacheAdvisor.class);

	private static final ValueType CHAT_RESPONSE = ValueType.of(ChatResponse.class);

	private static final Method CALL_METHOD = ReflectionUtils.findMethod(LlmCacheAdvisor.class, "adviseCall",
			ChatClientRequest.class, CallAdvisorChain.class);

	private static final Method STREAM_METHOD = ReflectionUtils.findMethod(LlmCacheAdvisor.class, "adviseStream",
			ChatClientRequest.class, StreamAdvisorChain.class);

	private final LlmCacheEngine engine;

	private final LlmCacheKeyGenerator keyGenerator;

	private final String namespace;

	private final Duration ttl;

	private final double maxTemperature;

	private final boolean normalize;

	private final int order;

	private final AsyncCalls streams;

	private final @Nullable SemanticQueryFactory semanticQueries;

	private final AtomicBoolean warnedUnkeyable = new AtomicBoolean();

	private final AtomicBoolean warnedSemantic = new AtomicBoolean();

	private LlmCacheAdvisor(Builder builder) {
		this.engine = builder.engine;
		this.keyGenerator = builder.keyGenerator;
		this.namespace = builder.namespace;
		this.ttl = builder.ttl;
		this.maxTemperature = builder.maxTemperature;
		this.normalize = builder.normalize;
		this.order = builder.order;
		this.semanticQueries = builder.semanticQueries;
		Scheduler scheduler = builder.scheduler;
		this.streams = new AsyncCalls(builder.engine, scheduler::schedule, 0, Duration.ZERO);
	}

	public static Builder builder(LlmCacheEngine engine, LlmCacheKeyGenerator keyGenerator) {
		return new Builder(engine, keyGenerator);
	}

	@Override
	public String getName() {
		return "llmcache";
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	public String getNamespace() {
		return this.namespace;
	}

	/** Whether requests may be answered by a paraphrase through the semantic tier. */
	public boolean isSemantic() {
		return this.semanticQueries != null;
	}

	@Override
	public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
		CachedCall call = cachedCall(request, CALL_METHOD);
		try {
			if (call == null) {
				return (ChatClientResponse) this.engine.bypass(this.namespace, () -> chain.nextCall(request));
			}
			AtomicReference<ChatClientResponse> fromChain = new AtomicReference<>();
			Object result = this.engine.call(call, () -> {
				ChatClientResponse response = chain.nextCall(request);
				fromChain.set(response);
				return response.chatResponse();
			});
			ChatClientResponse response = fromChain.get();
			return (response != null) ? response : replay((ChatResponse) result, request);
		}
		catch (Throwable ex) {
			ReflectionUtils.rethrowRuntimeException(ex);
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
		CachedCall call = cachedCall(request, STREAM_METHOD);
		if (call == null) {
			return Flux.defer(() -> {
				try {
					// Counted as a bypass like any other; the time reported is only that of assembly.
					@SuppressWarnings("unchecked")
					Flux<ChatClientResponse> flux = (Flux<ChatClientResponse>) this.engine.bypass(this.namespace,
							() -> chain.nextStream(request));
					return flux;
				}
				catch (Throwable ex) {
					return Flux.error(ex);
				}
			});
		}
		return this.streams.stream(call, new ClientStream(request), () -> chain.nextStream(request));
	}

	/**
	 * The chunks of an advised stream: each {@link ChatClientResponse} adds its {@link ChatResponse}
	 * to the stored answer; a stored answer is replayed in this request's context, marked
	 * {@link #CACHED}, and so are the chunks of an identical stream in flight that this one joined.
	 */
	private record ClientStream(ChatClientRequest request) implements AsyncCalls.StreamShape<ChatClientResponse> {

		@Override
		public boolean chatResponses() {
			return true;
		}

		@Override
		public @Nullable Object part(ChatClientResponse chunk) {
			return chunk.chatResponse();
		}

		@Override
		public ChatClientResponse fromStored(Object chunk) {
			return replay((ChatResponse) chunk, this.request);
		}

		@Override
		public ChatClientResponse forFollower(ChatClientResponse chunk) {
			return replay(chunk.chatResponse(), this.request);
		}

	}

	/** The call to hand to the engine, or null when this request must bypass the cache. */
	private @Nullable CachedCall cachedCall(ChatClientRequest request, Method method) {
		Prompt prompt = request.prompt();
		if (!this.engine.policy().isCacheableRequest(new Object[] { prompt }, this.maxTemperature)) {
			return null;
		}
		Object partition = request.context().get(PARTITION);
		CacheKey key;
		KeyRequest keyRequest = new KeyRequest(this.namespace, (partition != null) ? partition.toString() : null,
				this.normalize, method, List.of(new KeyArgument("prompt", prompt)));
		try {
			key = this.keyGenerator.generate(keyRequest);
		}
		catch (IllegalArgumentException ex) {
			if (this.warnedUnkeyable.compareAndSet(false, true)) {
				logger.warn("llmcache: a ChatClient prompt in '" + this.namespace
						+ "' cannot be made canonical, so such requests bypass the cache: " + ex.getMessage());
			}
			return null;
		}
		return new CachedCall(key, CHAT_RESPONSE, this.ttl, result -> true, semanticQuery(request, keyRequest));
	}

	private @Nullable SemanticQuery semanticQuery(ChatClientRequest request, KeyRequest keyRequest) {
		SemanticQueryFactory factory = this.semanticQueries;
		if (factory == null || !semanticRequested(request.context().get(SEMANTIC))) {
			return null;
		}
		double threshold = minSimilarity(request.context().get(MIN_SIMILARITY));
		try {
			return factory.queryFor(keyRequest, Math.max(threshold, factory.threshold()), -1);
		}
		catch (RuntimeException ex) {
			// The exact tiers still work: such a request is cached without the semantic tier.
			if (this.warnedSemantic.compareAndSet(false, true)) {
				logger.warn("llmcache: a ChatClient prompt in '" + this.namespace
						+ "' has no semantic query, so such requests match exactly only: " + ex);
			}
			return null;
		}
	}

	private static boolean semanticRequested(@Nullable Object value) {
		if (value == null || Boolean.TRUE.equals(value)) {
			return true;
		}
		if (Boolean.FALSE.equals(value)) {
			return false;
		}
		String text = value.toString().trim();
		if (text.equalsIgnoreCase("true")) {
			return true;
		}
		if (text.equalsIgnoreCase("false")) {
			return false;
		}
		throw new IllegalArgumentException(
				"Advisor parameter " + SEMANTIC + " must be true or false, got '" + value + "'");
	}

	private static double minSimilarity(@Nullable Object value) {
		if (value == null) {
			return -1;
		}
		double similarity;
		try {
			similarity = (value instanceof Number number) ? number.doubleValue()
					: Double.parseDouble(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			similarity = Double.NaN;
		}
		if (!(similarity >= 0 && similarity <= 1)) {
			throw new IllegalArgumentException("Advisor parameter " + MIN_SIMILARITY
					+ " must be a cosine similarity in [0, 1], got '" + value + "'");
		}
		return similarity;
	}

	private static ChatClientResponse replay(@Nullable ChatResponse response, ChatClientRequest request) {
		return ChatClientResponse.builder().chatResponse(response).context(request.context()).context(CACHED, true).build();
	}

	@Override
	public String toString() {
		return "LlmCacheAdvisor[namespace=" + this.namespace + ", order=" + this.order + ", semantic="
				+ isSemantic() + "]";
	}

	/** Builds an {@link LlmCacheAdvisor}; not thread-safe. */
	public static final class Builder {

		private final LlmCacheEngine engine;

		private final LlmCacheKeyGenerator keyGenerator;

		private String namespace = DEFAULT_NAMESPACE;

		private Duration ttl = Duration.ofHours(1);

		private double maxTemperature = 0.0;

		private boolean normalize = true;

		private int order = DEFAULT_ORDER;

		private Scheduler scheduler = Schedulers.boundedElastic();

		private @Nullable SemanticQueryFactory semanticQueries;

		private Builder(LlmCacheEngine engine, LlmCacheKeyGenerator keyGenerator) {
			Assert.notNull(engine, "engine must not be null");
			Assert.notNull(keyGenerator, "keyGenerator must not be null");
			this.engine = engine;
			this.keyGenerator = keyGenerator;
		}

		/** The unit of {@code clearNamespace}; {@value LlmCacheAdvisor#DEFAULT_NAMESPACE} by default. */
		public Builder namespace(String namespace) {
			Assert.hasText(namespace, "namespace must not be empty");
			this.namespace = namespace;
			return this;
		}

		/** Lifetime of stored responses; one hour by default. */
		public Builder ttl(Duration ttl) {
			Assert.isTrue(ttl != null && !ttl.isNegative() && !ttl.isZero(), "ttl must be positive");
			this.ttl = ttl;
			return this;
		}

		/** Highest requested temperature still cached (a request that sets none is); 0 by default. */
		public Builder maxTemperature(double maxTemperature) {
			Assert.isTrue(maxTemperature >= 0, "maxTemperature must not be negative");
			this.maxTemperature = maxTemperature;
			return this;
		}

		/** Whether prompt texts are normalized before hashing; true by default. */
		public Builder normalize(boolean normalize) {
			this.normalize = normalize;
			return this;
		}

		/** Position in the advisor chain; {@link LlmCacheAdvisor#DEFAULT_ORDER} by default. */
		public Builder order(int order) {
			this.order = order;
			return this;
		}

		/** Where the cache I/O of streams runs; {@link Schedulers#boundedElastic()} by default. */
		public Builder scheduler(Scheduler scheduler) {
			Assert.notNull(scheduler, "scheduler must not be null");
			this.scheduler = scheduler;
			return this;
		}

		/**
		 * Turns semantic matching on with the given factory (its threshold and candidate count are
		 * the defaults of every request); null, the default, matches exactly only. Paraphrases are
		 * found only when the engine has a semantic tier.
		 */
		public Builder semantic(@Nullable SemanticQueryFactory semanticQueries) {
			this.semanticQueries = semanticQueries;
			return this;
		}

		public LlmCacheAdvisor build() {
			return new LlmCacheAdvisor(this);
		}

	}

}
