package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.SemanticQueryFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of llmcache, under {@code llmcache.*}.
 */
@ConfigurationProperties("llmcache")
public class LlmCacheProperties {

	/** Whether @LlmCached methods are cached at all; false leaves them plain method calls. */
	private boolean enabled = true;

	/** Lifetime of an entry when @LlmCached(ttl) says nothing. */
	private Duration ttl = Duration.ofHours(1);

	/**
	 * Highest sampling temperature a call may request and still be cached. A call that sets no
	 * temperature is always cacheable; @LlmCached(maxTemperature) overrides this per method.
	 */
	private double maxTemperature = 0.0;

	/** Whether chat responses that request tool calls may be stored. */
	private boolean cacheToolCalls = false;

	/** Finish reasons (compared ignoring case) after which a chat response may be stored. */
	private List<String> normalFinishReasons = new ArrayList<>(CacheabilityPolicy.DEFAULT_NORMAL_FINISH_REASONS);

	/** Largest stored entry; a larger result is returned to its caller but not stored. */
	private DataSize maxValueBytes = DataSize.ofMegabytes(1);

	/**
	 * Multi-tenant mode: every @LlmCached method must declare a partition, and a call whose
	 * partition evaluates to nothing fails instead of bypassing the cache.
	 */
	private boolean requirePartition = false;

	private final Normalize normalize = new Normalize();

	private final L1 l1 = new L1();

	private final Redis redis = new Redis();

	private final SingleFlight singleFlight = new SingleFlight();

	private final Async async = new Async();

	private final Encryption encryption = new Encryption();

	private final Semantic semantic = new Semantic();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public double getMaxTemperature() {
		return this.maxTemperature;
	}

	public void setMaxTemperature(double maxTemperature) {
		this.maxTemperature = maxTemperature;
	}

	public boolean isCacheToolCalls() {
		return this.cacheToolCalls;
	}

	public void setCacheToolCalls(boolean cacheToolCalls) {
		this.cacheToolCalls = cacheToolCalls;
	}

	public List<String> getNormalFinishReasons() {
		return this.normalFinishReasons;
	}

	public void setNormalFinishReasons(List<String> normalFinishReasons) {
		this.normalFinishReasons = normalFinishReasons;
	}

	public DataSize getMaxValueBytes() {
		return this.maxValueBytes;
	}

	public void setMaxValueBytes(DataSize maxValueBytes) {
		this.maxValueBytes = maxValueBytes;
	}

	public boolean isRequirePartition() {
		return this.requirePartition;
	}

	public void setRequirePartition(boolean requirePartition) {
		this.requirePartition = requirePartition;
	}

	public Normalize getNormalize() {
		return this.normalize;
	}

	public L1 getL1() {
		return this.l1;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Semantic getSemantic() {
		return this.semantic;
	}

	public SingleFlight getSingleFlight() {
		return this.singleFlight;
	}

	public Async getAsync() {
		return this.async;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	/** Encryption of the values stored in Redis (AES-256-GCM). */
	public static class Encryption {

		/** Whether values stored in Redis are encrypted. */
		private boolean enabled = false;

		/** Id of the key new entries are encrypted with; older entries name their own key id. */
		private String activeKeyId = "";

		/** Keys by id, each 32 bytes in base64; keep retired keys here until their entries expire. */
		private Map<String, String> keys = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getActiveKeyId() {
			return this.activeKeyId;
		}

		public void setActiveKeyId(String activeKeyId) {
			this.activeKeyId = activeKeyId;
		}

		public Map<String, String> getKeys() {
			return this.keys;
		}

		public void setKeys(Map<String, String> keys) {
			this.keys = keys;
		}

	}

	/** CompletableFuture, Mono and Flux results. */
	public static class Async {

		/** Threads that run cache I/O for asynchronous and streaming calls, off the callers' threads. */
		private int ioThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

		/** Cache operations that may wait for an I/O thread; past it, calls go to the model uncached. */
		private int ioQueueCapacity = 10_000;

		/** Characters per chunk when a cached answer is replayed as a stream; 0 replays it in one chunk. */
		private int replayChunkSize = 0;

		/** Pause between replayed chunks, for UIs that expect typing; 0 for none. */
		private Duration replayChunkDelay = Duration.ZERO;

		public int getIoThreads() {
			return this.ioThreads;
		}

		public void setIoThreads(int ioThreads) {
			this.ioThreads = ioThreads;
		}

		public int getIoQueueCapacity() {
			return this.ioQueueCapacity;
		}

		public void setIoQueueCapacity(int ioQueueCapacity) {
			this.ioQueueCapacity = ioQueueCapacity;
		}

		public int getReplayChunkSize() {
			return this.replayChunkSize;
		}

		public void setReplayChunkSize(int replayChunkSize) {
			this.replayChunkSize = replayChunkSize;
		}

		public Duration getReplayChunkDelay() {
			return this.replayChunkDelay;
		}

		public void setReplayChunkDelay(Duration replayChunkDelay) {
			this.replayChunkDelay = replayChunkDelay;
		}

	}

	/** Coalescing of concurrent identical misses. */
	public static class SingleFlight {

		/** How long a caller waits for an identical call in flight before calling the model itself. */
		private Duration timeout = Duration.ofSeconds(30);

		/** Whether instances coordinate through a per-key lease in Redis, so one of them calls the model. */
		private boolean distributed = true;

		/** Lifetime of the per-key lease; if its holder dies, another instance takes over after it. */
		private Duration lease = Duration.ofSeconds(30);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isDistributed() {
			return this.distributed;
		}

		public void setDistributed(boolean distributed) {
			this.distributed = distributed;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

	}

	/** How prompt texts are normalized before hashing, for methods with @LlmCached(normalize = true). */
	public static class Normalize {

		/**
		 * Whether dynamic tokens in prompt texts are replaced by numbered placeholders in the key
		 * (and in the stored answer, each caller getting their own tokens back), for every method
		 * returning a String or ChatResponse. Off by default: only the application knows that a
		 * token is noise. @LlmCached(stripTokens = true) turns it on for one method.
		 */
		private boolean stripTokens = false;

		/** With token stripping on: whether UUIDs are dynamic tokens. */
		private boolean stripUuids = true;

		/** With token stripping on: whether ISO-8601 date-times (not plain dates) are dynamic tokens. */
		private boolean stripTimestamps = true;

		/** With token stripping on: further regular expressions whose matches are dynamic tokens. */
		private List<String> patterns = new ArrayList<>();

		public boolean isStripTokens() {
			return this.stripTokens;
		}

		public void setStripTokens(boolean stripTokens) {
			this.stripTokens = stripTokens;
		}

		public boolean isStripUuids() {
			return this.stripUuids;
		}

		public void setStripUuids(boolean stripUuids) {
			this.stripUuids = stripUuids;
		}

		public boolean isStripTimestamps() {
			return this.stripTimestamps;
		}

		public void setStripTimestamps(boolean stripTimestamps) {
			this.stripTimestamps = stripTimestamps;
		}

		public List<String> getPatterns() {
			return this.patterns;
		}

		public void setPatterns(List<String> patterns) {
			this.patterns = patterns;
		}

	}

	/** The in-process tier (Caffeine). */
	public static class L1 {

		/** Whether the in-process tier is used. */
		private boolean enabled = true;

		/**
		 * Upper bound of the heap the in-process entries retain (keys, values and the cache's own
		 * structures, as weighed per entry).
		 */
		private DataSize maxSize = DataSize.ofMegabytes(64);

		/**
		 * Upper bound of the heap the key memo retains (the raw argument values of recent requests,
		 * remembered so that a repeated request skips building its key), in a budget of its own,
		 * apart from max-size; 0 turns the memo off.
		 */
		private DataSize keyMemoSize = DataSize.ofMegabytes(8);

		/**
		 * Whether evictions, namespace clears and overwrites on one instance remove the stale L1
		 * copies on the others (Redis pub/sub).
		 */
		private boolean coherent = true;

		/**
		 * Longest time an instance serves L1 without having confirmed that it hears invalidations (its
		 * own heartbeat on the invalidation channel): the bound on serving an evicted value when
		 * pub/sub is cut. Past it, L1 is skipped until the channel works again, then dropped.
		 */
		private Duration coherenceBound = Duration.ofSeconds(2);

		public Duration getCoherenceBound() {
			return this.coherenceBound;
		}

		public void setCoherenceBound(Duration coherenceBound) {
			this.coherenceBound = coherenceBound;
		}

		public boolean isCoherent() {
			return this.coherent;
		}

		public void setCoherent(boolean coherent) {
			this.coherent = coherent;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public DataSize getKeyMemoSize() {
			return this.keyMemoSize;
		}

		public void setKeyMemoSize(DataSize keyMemoSize) {
			this.keyMemoSize = keyMemoSize;
		}

	}

	/** The shared tier (Redis, through the application's Lettuce connection factory). */
	public static class Redis {

		/** Whether Redis is used when a RedisConnectionFactory exists. */
		private boolean enabled = true;

		/** Prefix of every Redis key llmcache writes. */
		private String keyPrefix = "llmcache:";

		/** Bound of every Redis call; a slower Redis is treated as down and the call goes on without it. */
		private Duration timeout = Duration.ofMillis(100);

		/**
		 * Bound of each Redis call during startup-period: the first commands of a JVM that is still
		 * warming up (an embedding model loading beside them) are slower than a warm one's.
		 */
		private Duration startupTimeout = Duration.ofSeconds(1);

		/** How long after the connection to Redis opens calls get startup-timeout instead of timeout. */
		private Duration startupPeriod = Duration.ofSeconds(60);

		/** How long Redis is skipped after a failure before it is tried again. */
		private Duration retryInterval = Duration.ofSeconds(1);

		/**
		 * Longest pause between Lettuce's attempts to reconnect to a Redis that went away (Lettuce's
		 * own back-off grows to 30 s); 0 leaves Lettuce's default. Applies to the client resources
		 * Spring Boot builds.
		 */
		private Duration reconnectMaxDelay = Duration.ofSeconds(1);

		/**
		 * Whether Lettuce's reconnect lines (io.lettuce.core.protocol.ConnectionWatchdog, an INFO and a
		 * WARN per attempt) are set to ERROR by default, leaving llmcache's one WARN per outage.
		 */
		private boolean quietReconnect = true;

		public boolean isQuietReconnect() {
			return this.quietReconnect;
		}

		public void setQuietReconnect(boolean quietReconnect) {
			this.quietReconnect = quietReconnect;
		}

		public Duration getReconnectMaxDelay() {
			return this.reconnectMaxDelay;
		}

		public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
			this.reconnectMaxDelay = reconnectMaxDelay;
		}

		public Duration getStartupTimeout() {
			return this.startupTimeout;
		}

		public void setStartupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
		}

		public Duration getStartupPeriod() {
			return this.startupPeriod;
		}

		public void setStartupPeriod(Duration startupPeriod) {
			this.startupPeriod = startupPeriod;
		}

		/**
		 * Fraction in [0, 1) by which each entry's lifetime is shortened at random, so that entries
		 * written together do not expire together.
		 */
		private double ttlJitter = 0.1;

		/**
		 * Most entries each namespace keeps in Redis (0: no cap); beyond it, the entries closest to
		 * expiry are deleted when a new one is stored. Redis's own maxmemory policy still applies.
		 */
		private long maxEntriesPerNamespace = 0;

		/**
		 * Caps of named namespaces, overriding max-entries-per-namespace (0: no cap). Use brackets for
		 * names with dots or other special characters: max-entries[com.example.Faq]=1000.
		 */
		private Map<String, Long> maxEntries = new LinkedHashMap<>();

		public long getMaxEntriesPerNamespace() {
			return this.maxEntriesPerNamespace;
		}

		public void setMaxEntriesPerNamespace(long maxEntriesPerNamespace) {
			this.maxEntriesPerNamespace = maxEntriesPerNamespace;
		}

		public Map<String, Long> getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(Map<String, Long> maxEntries) {
			this.maxEntries = maxEntries;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getRetryInterval() {
			return this.retryInterval;
		}

		public void setRetryInterval(Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

		public double getTtlJitter() {
			return this.ttlJitter;
		}

		public void setTtlJitter(double ttlJitter) {
			this.ttlJitter = ttlJitter;
		}

	}

	/**
	 * The semantic tier: answering @LlmCached(semantic = true) methods from cached requests with the
	 * same meaning.
	 */
	public static class Semantic {

		/** Whether semantic = true methods use the semantic tier (it needs an EmbeddingModel bean). */
		private boolean enabled = true;

		/** Lowest cosine similarity, in [0, 1], at which a cached request may answer a new one. */
		private double threshold = SemanticQueryFactory.DEFAULT_THRESHOLD;

		/** How many nearest cached requests are checked against the guards. */
		private int candidates = SemanticQueryFactory.DEFAULT_CANDIDATES;

		/**
		 * Whether semantic hits are only recorded (the model is still called and the answers
		 * compared), to measure precision on real traffic before serving them.
		 */
		private boolean shadow = false;

		/** Replacement guard rules (a resource in the format of the default rules); none means the defaults. */
		private String guardRules;

		/** An optional chat-model judge for candidates in the grey band (ChatModelHitVerifier). */
		private final Verifier verifier = new Verifier();

		/** Bucket size past which approximate (HNSW) search replaces an exact scan. */
		private int approximateAbove = 2000;

		/**
		 * Most entries the in-process index holds in all buckets; past it the least recently hit
		 * (or, never hit, the oldest) are evicted. Their answers stay in L1 and L2 for exact hits.
		 */
		private int maxEntries = 100_000;

		/** Most entries the in-process index holds in one bucket (model and options). */
		private int maxEntriesPerBucket = 100_000;

		/**
		 * How the in-process index holds vectors: "int8" (scalar-quantized, a quarter of the
		 * memory) or "float32" (exact similarities).
		 */
		private InMemorySemanticIndex.Vectors vectors = InMemorySemanticIndex.Vectors.INT8;

		/** How many embeddings of request texts are kept, so a text is not embedded twice. */
		private long embeddingCacheSize = 10_000;

		/** Whether the index is shared with other instances through a Redis Stream (when Redis is used). */
		private boolean share = true;

		/** About how many entries the shared Redis Stream keeps. */
		private long streamMaxLength = 1_000_000;

		/** How long one blocking read of the stream waits for other instances' new entries. */
		private Duration pollInterval = Duration.ofMillis(250);

		/**
		 * Where the index lives: "memory" (in-process, shared through Redis) or "vector-store" (the
		 * application's Spring AI VectorStore bean).
		 */
		private String index = "memory";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getThreshold() {
			return this.threshold;
		}

		public void setThreshold(double threshold) {
			this.threshold = threshold;
		}

		public int getCandidates() {
			return this.candidates;
		}

		public void setCandidates(int candidates) {
			this.candidates = candidates;
		}

		public boolean isShadow() {
			return this.shadow;
		}

		public void setShadow(boolean shadow) {
			this.shadow = shadow;
		}

		public String getGuardRules() {
			return this.guardRules;
		}

		public void setGuardRules(String guardRules) {
			this.guardRules = guardRules;
		}

		public int getApproximateAbove() {
			return this.approximateAbove;
		}

		public void setApproximateAbove(int approximateAbove) {
			this.approximateAbove = approximateAbove;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public int getMaxEntriesPerBucket() {
			return this.maxEntriesPerBucket;
		}

		public void setMaxEntriesPerBucket(int maxEntriesPerBucket) {
			this.maxEntriesPerBucket = maxEntriesPerBucket;
		}

		public InMemorySemanticIndex.Vectors getVectors() {
			return this.vectors;
		}

		public void setVectors(InMemorySemanticIndex.Vectors vectors) {
			this.vectors = vectors;
		}

		public long getEmbeddingCacheSize() {
			return this.embeddingCacheSize;
		}

		public void setEmbeddingCacheSize(long embeddingCacheSize) {
			this.embeddingCacheSize = embeddingCacheSize;
		}

		public boolean isShare() {
			return this.share;
		}

		public void setShare(boolean share) {
			this.share = share;
		}

		public long getStreamMaxLength() {
			return this.streamMaxLength;
		}

		public void setStreamMaxLength(long streamMaxLength) {
			this.streamMaxLength = streamMaxLength;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public String getIndex() {
			return this.index;
		}

		public Verifier getVerifier() {
			return this.verifier;
		}

		public void setIndex(String index) {
			this.index = index;
		}

		/**
		 * A chat model asked whether two requests can share an answer, for candidates that passed the
		 * threshold and the guards but are below {@code confident}. Off by default.
		 */
		public static class Verifier {

			/** Whether the judge is asked (an application's own SemanticHitVerifier bean wins). */
			private boolean enabled = false;

			/** Name of the ChatModel bean that judges; empty means the only ChatModel bean. */
			private String chatModel = "";

			/** The model the judge's calls ask for (a cheap one); empty means the chat model's default. */
			private String model = "";

			/** Similarity from which a candidate is accepted without asking, in (0, 1]. */
			private double confident = 0.95;

			/** How many verdicts (request pairs) are kept. */
			private long cacheSize = 10_000;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public String getChatModel() {
				return this.chatModel;
			}

			public void setChatModel(String chatModel) {
				this.chatModel = chatModel;
			}

			public String getModel() {
				return this.model;
			}

			public void setModel(String model) {
				this.model = model;
			}

			public double getConfident() {
				return this.confident;
			}

			public void setConfident(double confident) {
				this.confident = confident;
			}

			public long getCacheSize() {
				return this.cacheSize;
			}

			public void setCacheSize(long cacheSize) {
				this.cacheSize = cacheSize;
			}

		}

	}

}
