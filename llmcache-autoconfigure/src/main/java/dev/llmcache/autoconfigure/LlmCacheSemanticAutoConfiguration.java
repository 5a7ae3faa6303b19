package dev.llmcache.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.codec.EncryptingStreamPayloadCodec;
import dev.llmcache.key.PromptNormalizer;
import dev.llmcache.semantic.ChatModelHitVerifier;
import dev.llmcache.semantic.DefaultSemanticTier;
import dev.llmcache.semantic.EmbeddingCache;
import dev.llmcache.semantic.GuardRules;
import dev.llmcache.semantic.ExpiredEntrySweeper;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.RedisSemanticStream;
import dev.llmcache.semantic.SemanticGuard;
import dev.llmcache.semantic.SemanticHitVerifier;
import dev.llmcache.semantic.SemanticIndex;
import dev.llmcache.semantic.SemanticListener;
import dev.llmcache.semantic.SemanticMatcher;
import dev.llmcache.semantic.SemanticQueryFactory;
import dev.llmcache.semantic.ShadowStats;
import dev.llmcache.semantic.VectorStoreSemanticIndex;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.embedding.EmbeddingModel;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import io.micrometer.core.instrument.binder.MeterBinder;
import dev.llmcache.metrics.SemanticIndexMetrics;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the semantic tier, active when the application has a Spring AI
 * {@link EmbeddingModel} (its own, or the offline one of {@code llmcache-embedding-onnx}). Guards,
 * verifier, index and listeners back off when the application defines its own.
 */
@AutoConfiguration(after = LlmCacheAutoConfiguration.class, afterName = {
		"dev.llmcache.embedding.onnx.OnnxEmbeddingAutoConfiguration",
		"org.springframework.ai.model.openai.autoconfigure.OpenAiEmbeddingAutoConfiguration",
		"org.springframework.ai.model.ollama.autoconfigure.OllamaEmbeddingAutoConfiguration",
		"org.springframework.ai.vectorstore.redis.autoconfigure.RedisVectorStoreAutoConfiguration",
		"org.springframework.ai.vectorstore.pgvector.autoconfigure.PgVectorStoreAutoConfiguration",
		"org.springframework.ai.vectorstore.qdrant.autoconfigure.QdrantVectorStoreAutoConfiguration",
		"org.springframework.ai.vectorstore.elasticsearch.autoconfigure.ElasticsearchVectorStoreAutoConfiguration" })
@ConditionalOnProperty(prefix = "llmcache", name = { "enabled", "semantic.enabled" }, matchIfMissing = true)
@ConditionalOnBean({ EmbeddingModel.class, LlmCacheEngine.class })
public class LlmCacheSemanticAutoConfiguration {

	private static final String VECTOR_STORE = "org.springframework.ai.vectorstore.VectorStore";

	private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

	/** Whether {@code semantic = true} methods will have a tier: enabled and an EmbeddingModel defined. */
	static boolean isAvailable(LlmCacheProperties.Semantic semantic, ListableBeanFactory beanFactory) {
		return semantic.isEnabled() && beanFactory.getBeanNamesForType(EmbeddingModel.class, true, false).length > 0;
	}

	@Bean
	@ConditionalOnMissingBean
	SemanticGuard llmCacheSemanticGuard(LlmCacheProperties properties, ResourceLoader resources) {
		String location = properties.getSemantic().getGuardRules();
		if (!StringUtils.hasText(location)) {
			return preloaded(SemanticGuard.defaults());
		}
		Resource resource = resources.getResource(location.trim());
		if (!resource.exists()) {
			throw new IllegalStateException("llmcache.semantic.guard-rules: " + location + " does not exist");
		}
		try {
			return preloaded(new SemanticGuard(GuardRules.read(resource.getInputStream(), location)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("llmcache.semantic.guard-rules: cannot read " + location, ex);
		}
	}

	/**
	 * Reads the guard's lexicon (WordNet: a few seconds, about 40 MB) on a background thread at
	 * startup, so that the first semantic lookup does not wait for it.
	 */
	private static SemanticGuard preloaded(SemanticGuard guard) {
		Thread loader = new Thread(() -> guard.lexicon().lookup("request"), "llmcache-lexicon-load");
		loader.setDaemon(true);
		loader.start();
		return guard;
	}

	@Bean
	@ConditionalOnMissingBean(SemanticHitVerifier.class)
	@ConditionalOnProperty(prefix = "llmcache.semantic.verifier", name = "enabled", havingValue = "true")
	ChatModelHitVerifier llmCacheSemanticVerifier(LlmCacheProperties properties, ListableBeanFactory beanFactory) {
		LlmCacheProperties.Semantic.Verifier settings = properties.getSemantic().getVerifier();
		String name = settings.getChatModel().trim();
		ChatModel chatModel;
		if (StringUtils.hasText(name)) {
			if (!beanFactory.containsBean(name)) {
				throw new IllegalStateException("llmcache.semantic.verifier.chat-model: no bean named '" + name + "'");
			}
			chatModel = beanFactory.getBean(name, ChatModel.class);
		}
		else {
			String[] names = beanFactory.getBeanNamesForType(ChatModel.class);
			if (names.length != 1) {
				throw new IllegalStateException("llmcache.semantic.verifier.enabled=true needs one ChatModel bean, found "
						+ names.length + ((names.length > 1) ? " (name one with llmcache.semantic.verifier.chat-model)" : ""));
			}
			chatModel = beanFactory.getBean(names[0], ChatModel.class);
		}
		String model = settings.getModel().trim();
		ChatOptions options = null;
		if (StringUtils.hasText(model)) {
			// The model's own options type: a chat model may not accept generic ChatOptions.
			ChatOptions defaults = chatModel.getDefaultOptions();
			options = ((defaults != null) ? defaults.mutate() : ChatOptions.builder()).model(model).build();
		}
		return new ChatModelHitVerifier(chatModel, options, settings.getConfident(), settings.getCacheSize());
	}

	/** Counts of the judge's outcomes as {@code llmcache.semantic.verifier{outcome=...}}, when Micrometer is there. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class VerifierMetrics {

		@Bean
		io.micrometer.core.instrument.binder.MeterBinder llmCacheSemanticVerifierMetrics(
				ObjectProvider<ChatModelHitVerifier> verifiers) {
			return (registry) -> verifiers.ifAvailable((verifier) -> {
				Map<String, ToLongFunction<ChatModelHitVerifier.Counts>> outcomes = new LinkedHashMap<>();
				outcomes.put("confident", ChatModelHitVerifier.Counts::confident);
				outcomes.put("remembered", ChatModelHitVerifier.Counts::remembered);
				outcomes.put("accepted", ChatModelHitVerifier.Counts::accepted);
				outcomes.put("rejected", ChatModelHitVerifier.Counts::rejected);
				outcomes.put("failed", ChatModelHitVerifier.Counts::failed);
				outcomes.forEach((outcome, count) -> io.micrometer.core.instrument.FunctionCounter
					.builder("llmcache.semantic.verifier", verifier, (v) -> count.applyAsLong(v.counts()))
					.tag("outcome", outcome)
					.description("Semantic candidates judged by the verifier, by outcome")
					.register(registry));
			});
		}

	}

	@Bean
	@ConditionalOnMissingBean
	EmbeddingCache llmCacheEmbeddingCache(LlmCacheProperties properties, EmbeddingModel embeddingModel,
			SemanticGuard guard) {
		// Acronyms are embedded as the words the guard's lexicon says they stand for.
		return new EmbeddingCache(embeddingModel, properties.getSemantic().getEmbeddingCacheSize(), guard.lexicon());
	}

	@Bean
	@ConditionalOnMissingBean
	SemanticIndex llmCacheSemanticIndex(LlmCacheProperties properties, ListableBeanFactory beanFactory) {
		LlmCacheProperties.Semantic semantic = properties.getSemantic();
		String index = semantic.getIndex().trim();
		if ("vector-store".equals(index)) {
			return vectorStoreIndex(beanFactory);
		}
		if (!"memory".equals(index)) {
			throw new IllegalStateException(
					"llmcache.semantic.index must be 'memory' or 'vector-store', not '" + semantic.getIndex() + "'");
		}
		return InMemorySemanticIndex.bounded(semantic.getApproximateAbove(), semantic.getMaxEntries(),
				semantic.getMaxEntriesPerBucket(), semantic.getVectors());
	}

	// Only an index in this JVM's heap needs sweeping; lookups in a VectorStore skip what expired.
	@Bean
	@ConditionalOnProperty(prefix = "llmcache.semantic", name = "index", havingValue = "memory", matchIfMissing = true)
	ExpiredEntrySweeper llmCacheSemanticSweeper(SemanticIndex index) {
		return new ExpiredEntrySweeper(index, SWEEP_INTERVAL);
	}

	private static SemanticIndex vectorStoreIndex(ListableBeanFactory beanFactory) {
		if (!ClassUtils.isPresent(VECTOR_STORE, LlmCacheSemanticAutoConfiguration.class.getClassLoader())) {
			throw new IllegalStateException("llmcache.semantic.index=vector-store needs Spring AI's VectorStore "
					+ "(org.springframework.ai:spring-ai-vector-store) and a VectorStore bean");
		}
		return VectorStoreIndexes.of(beanFactory);
	}

	@Bean
	SemanticQueryFactory llmCacheSemanticQueryFactory(LlmCacheProperties properties,
			dev.llmcache.key.LlmCacheKeyGenerator keyGenerator) {
		LlmCacheProperties.Semantic semantic = properties.getSemantic();
		return new SemanticQueryFactory(keyGenerator, promptNormalizer(properties), semantic.getThreshold(),
				semantic.getCandidates());
	}

	@Bean
	@ConditionalOnProperty(prefix = "llmcache.semantic", name = "shadow", havingValue = "true")
	ShadowStats llmCacheShadowStats() {
		return new ShadowStats();
	}

	@Bean
	DefaultSemanticTier llmCacheSemanticTier(LlmCacheProperties properties, TieredCache cache, SemanticIndex index,
			EmbeddingCache embeddings, SemanticGuard guard, ObjectProvider<SemanticHitVerifier> verifier,
			ObjectProvider<SemanticListener> listeners, ObjectProvider<EmbeddingModel> embeddingModel,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		EmbeddingModelReport.log(embeddingModel.getIfUnique(), beanFactory, environment);
		SemanticMatcher matcher = new SemanticMatcher(embeddings, guard,
				verifier.getIfAvailable(() -> SemanticHitVerifier.ACCEPT_ALL));
		DefaultSemanticTier tier = new DefaultSemanticTier(cache, index, matcher, properties.getSemantic().isShadow());
		List<SemanticListener> all = listeners.orderedStream().toList();
		if (!all.isEmpty()) {
			tier.setListener((all.size() == 1) ? all.get(0) : new CompositeListener(all));
		}
		// The engine and the interceptor take the tier and the query factory when they are created.
		return tier;
	}

	@Bean(destroyMethod = "destroy")
	@ConditionalOnBean(RedisTier.class)
	@ConditionalOnProperty(prefix = "llmcache.semantic", name = "share", matchIfMissing = true)
	RedisSemanticStream llmCacheSemanticStream(LlmCacheProperties properties, LettuceConnectionFactory connectionFactory,
			SemanticIndex index, DefaultSemanticTier tier) {
		LlmCacheProperties.Semantic semantic = properties.getSemantic();
		RedisSemanticStream stream = new RedisSemanticStream(connectionFactory,
				properties.getRedis().getKeyPrefix() + "semantic", index, semantic.getStreamMaxLength(),
				semantic.getPollInterval(), semantic.getMaxEntries());
		LlmCacheProperties.Encryption encryption = properties.getEncryption();
		if (encryption.isEnabled()) {
			// What the stream carries is derived from prompts: sealed like the entries themselves.
			stream.setPayloadCodec(new EncryptingStreamPayloadCodec(encryption.getKeys(), encryption.getActiveKeyId(),
					RedisSemanticStream.PROMPT_DERIVED_FIELDS));
		}
		if (index instanceof InMemorySemanticIndex) {
			// A VectorStore is shared by the store itself.
			tier.setStream(stream);
			stream.start();
		}
		return stream;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class SemanticIndexMetricsConfiguration {

		@Bean
		SemanticIndexMetrics llmCacheSemanticIndexMetrics(SemanticIndex index) {
			return new SemanticIndexMetrics(index);
		}

	}

	static PromptNormalizer promptNormalizer(LlmCacheProperties properties) {
		LlmCacheProperties.Normalize normalize = properties.getNormalize();
		PromptNormalizer.Builder normalizer = PromptNormalizer.builder()
			.stripUuids(normalize.isStripUuids())
			.stripIsoTimestamps(normalize.isStripTimestamps());
		normalize.getPatterns().forEach(normalizer::pattern);
		return normalizer.build();
	}

	/** Kept apart so that VectorStore is only loaded when it is used. */
	private static final class VectorStoreIndexes {

		static SemanticIndex of(ListableBeanFactory beanFactory) {
			String[] names = beanFactory.getBeanNamesForType(org.springframework.ai.vectorstore.VectorStore.class);
			if (names.length != 1) {
				throw new IllegalStateException("llmcache.semantic.index=vector-store needs exactly one VectorStore "
						+ "bean, found " + names.length);
			}
			return new VectorStoreSemanticIndex(
					beanFactory.getBean(names[0], org.springframework.ai.vectorstore.VectorStore.class));
		}

	}

	private record CompositeListener(List<SemanticListener> listeners) implements SemanticListener {

		@Override
		public void rejected(String namespace, double similarity, String reason) {
			this.listeners.forEach(l -> l.rejected(namespace, similarity, reason));
		}

		@Override
		public void shadowed(String namespace, double similarity, boolean agreed) {
			this.listeners.forEach(l -> l.shadowed(namespace, similarity, agreed));
		}

		@Override
		public void noCandidate(String namespace) {
			this.listeners.forEach(l -> l.noCandidate(namespace));
		}

		@Override
		public void embedded(String namespace, @Nullable String model, long inputTokens) {
			this.listeners.forEach(l -> l.embedded(namespace, model, inputTokens));
		}

	}

}
