package dev.llmcache.autoconfigure;

import java.util.List;
import java.util.Set;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.codec.EncryptingLlmCacheSerializer;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.coherence.RedisL1Coherence;
import dev.llmcache.codec.LlmCacheSerializer;
import dev.llmcache.engine.AsyncCalls;
import dev.llmcache.engine.FlightSettings;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.LlmCacheErrorHandler;
import dev.llmcache.engine.LlmCacheListener;
import dev.llmcache.engine.LoggingLlmCacheErrorHandler;
import dev.llmcache.engine.SemanticTier;
import dev.llmcache.interceptor.DefaultLlmCacheManager;
import dev.llmcache.interceptor.LlmCacheAspectSupport;
import dev.llmcache.interceptor.LlmCacheDefaults;
import dev.llmcache.interceptor.LlmCacheExpressionEvaluator;
import dev.llmcache.interceptor.LlmCacheInterceptor;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.interceptor.LlmCacheOperationSourceAdvisor;
import dev.llmcache.interceptor.OperationKeyResolver;
import dev.llmcache.key.DefaultLlmCacheKeyGenerator;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.ModelFingerprints;
import dev.llmcache.key.PromptNormalizer;
import dev.llmcache.observation.LookupObservationConvention;
import dev.llmcache.observation.ModelCallObservationConvention;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.redis.EntryCaps;
import dev.llmcache.semantic.SemanticQueryFactory;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.tier.TieredCache;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of {@code @LlmCached}: keys, tiers (Caffeine L1, Redis L2 when the
 * application has a Lettuce connection factory), the interceptor and the {@link LlmCacheManager}.
 *
 * <p>Every strategy a user may replace (key generator, serializer, error handler, manager) backs
 * off when the application defines its own bean of that type. The advisor and what it needs at
 * proxy-creation time are infrastructure beans created early; the tiers are resolved on the first
 * call, so that the Redis connection factory is created in its normal order.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty(prefix = "llmcache", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmCacheProperties.class)
@Import(LlmCacheProxyRegistrar.class)
public class LlmCacheAutoConfiguration {

	private static final Log logger = LogFactory.getLog(LlmCacheAutoConfiguration.class);

	/**
	 * The properties as the infrastructure beans the proxy creator needs see them: bound from the
	 * environment, not taken from the {@link LlmCacheProperties} bean, which would then be created
	 * before the bean post-processors and miss them (Spring warns about it).
	 */
	static LlmCacheProperties earlyProperties(Environment environment) {
		return Binder.get(environment).bindOrCreate("llmcache", LlmCacheProperties.class);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LlmCacheKeyGenerator llmCacheKeyGenerator(Environment environment) {
		LlmCacheProperties properties = earlyProperties(environment);
		LlmCacheProperties.Normalize normalize = properties.getNormalize();
		PromptNormalizer.Builder normalizer = PromptNormalizer.builder()
			.stripUuids(normalize.isStripUuids())
			.stripIsoTimestamps(normalize.isStripTimestamps());
		normalize.getPatterns().forEach(normalizer::pattern);
		return new DefaultLlmCacheKeyGenerator(normalizer.build(), properties.getL1().getKeyMemoSize().toBytes());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LlmCacheExpressionEvaluator llmCacheExpressionEvaluator() {
		return new LlmCacheExpressionEvaluator();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LlmCacheOperationSource llmCacheOperationSource(Environment environment,
			LlmCacheExpressionEvaluator evaluator, LlmCacheKeyGenerator keyGenerator, ListableBeanFactory beanFactory) {
		LlmCacheProperties properties = earlyProperties(environment);
		LlmCacheOperationSource source = new LlmCacheOperationSource(new LlmCacheDefaults(properties.getTtl(),
				properties.getMaxTemperature(), properties.isRequirePartition()), evaluator, keyGenerator);
		// Decided from bean definitions: proxies (and so operations) are created before the tier is.
		source.setSemanticAvailable(
				LlmCacheSemanticAutoConfiguration.isAvailable(properties.getSemantic(), beanFactory));
		source.setStripTokensByDefault(properties.getNormalize().isStripTokens());
		String[] chatModels = beanFactory.getBeanNamesForType(ChatModel.class, true, false);
		source.setChatModelNames((chatModels.length > 0) ? Set.of(chatModels) : null);
		return source;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LlmCacheOperationSourceAdvisor llmCacheAdvisor(LlmCacheOperationSource operationSource,
			ObjectProvider<LlmCacheAspectSupport> support) {
		return new LlmCacheOperationSourceAdvisor(operationSource, new LlmCacheInterceptor(support::getObject));
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCacheSerializer llmCacheSerializer() {
		return new JsonLlmCacheSerializer();
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCacheErrorHandler llmCacheErrorHandler() {
		return new LoggingLlmCacheErrorHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	CacheabilityPolicy llmCacheCacheabilityPolicy(LlmCacheProperties properties) {
		return new CacheabilityPolicy(properties.getNormalFinishReasons(), properties.isCacheToolCalls());
	}

	@Bean
	@ConditionalOnProperty(prefix = "llmcache.l1", name = "enabled", matchIfMissing = true)
	LocalTier llmCacheLocalTier(LlmCacheProperties properties, ObjectProvider<LlmCacheCaffeineCustomizer> customizers) {
		List<LlmCacheCaffeineCustomizer> all = customizers.orderedStream().toList();
		return new LocalTier(properties.getL1().getMaxSize().toBytes(), builder -> all.forEach(customizer -> {
			try {
				customizer.customize(builder);
			}
			catch (IllegalStateException | IllegalArgumentException ex) {
				// Caffeine's own message says what clashed; ours says who did it and what to use instead.
				throw new IllegalStateException("llmcache: the LlmCacheCaffeineCustomizer " + customizer.getClass().getName()
						+ " cannot be applied to L1: " + ex.getMessage() + " (L1 is bounded in bytes by "
						+ "llmcache.l1.max-size, with llmcache's weigher and executor; a customizer may not set them)",
						ex);
			}
		}));
	}

	@Bean
	TieredCache llmCacheTieredCache(LlmCacheProperties properties, ObjectProvider<LocalTier> local,
			ObjectProvider<RedisTier> redis, ObjectProvider<RedisConnectionFactory> connectionFactories,
			LlmCacheSerializer serializer) {
		LocalTier l1 = local.getIfAvailable();
		RedisTier l2 = redis.getIfAvailable();
		if (l2 != null) {
			logger.info("llmcache: caching in " + ((l1 != null) ? "L1 (in-process, at most "
					+ DataSizes.format(properties.getL1().getMaxSize()) + ") and " : "") + "L2 (Redis, keys prefixed '"
					+ properties.getRedis().getKeyPrefix() + "')");
		}
		else {
			RedisConnectionFactory factory = connectionFactories.getIfAvailable();
			String why = !properties.getRedis().isEnabled() ? "llmcache.redis.enabled=false"
					: (factory != null) ? "the Redis connection factory is not Lettuce"
							: "no Redis connection factory (set spring.data.redis.*)";
			logger.info("llmcache: caching in L1 only (in-process): " + why);
		}
		LlmCacheProperties.Encryption encryption = properties.getEncryption();
		LlmCacheSerializer stored = encryption.isEnabled()
				? new EncryptingLlmCacheSerializer(serializer, encryption.getKeys(), encryption.getActiveKeyId())
				: serializer;
		TieredCache cache = new TieredCache(l1, l2, stored, properties.getRedis().getTtlJitter());
		cache.setMaxValueBytes(properties.getMaxValueBytes().toBytes());
		return cache;
	}

	@Bean
	OperationKeyResolver llmCacheKeyResolver(LlmCacheKeyGenerator keyGenerator,
			LlmCacheExpressionEvaluator evaluator, ListableBeanFactory beanFactory) {
		OperationKeyResolver resolver = new OperationKeyResolver(keyGenerator, evaluator);
		// Asked on the first call, when every chat model is configured.
		resolver.setModelFingerprints(new ModelFingerprints(() -> beanFactory.getBeansOfType(ChatModel.class)));
		return resolver;
	}

	@Bean
	LlmCacheEngine llmCacheEngine(LlmCacheProperties properties, TieredCache cache, CacheabilityPolicy policy,
			LlmCacheErrorHandler errorHandler, ObjectProvider<LlmCacheListener> listeners,
			ObjectProvider<ObservationRegistry> observations, ObjectProvider<SemanticTier> semanticTier,
			ObjectProvider<LookupObservationConvention> lookupConvention,
			ObjectProvider<ModelCallObservationConvention> modelCallConvention) {
		LlmCacheProperties.SingleFlight flight = properties.getSingleFlight();
		List<LlmCacheListener> all = listeners.orderedStream().toList();
		LlmCacheListener listener = (all.size() == 1) ? all.get(0) : event -> all.forEach(l -> l.onCall(event));
		LlmCacheEngine engine = new LlmCacheEngine(cache, policy, errorHandler,
				new FlightSettings(flight.getTimeout(), flight.isDistributed(), flight.getLease()), listener);
		observations.ifAvailable(engine::setObservationRegistry);
		engine.setObservationConventions(lookupConvention.getIfUnique(), modelCallConvention.getIfUnique());
		semanticTier.ifAvailable(engine::setSemanticTier);
		return engine;
	}

	@Bean
	@ConditionalOnThreading(Threading.PLATFORM)
	LlmCacheIoPool llmCacheIoPool(LlmCacheProperties properties) {
		LlmCacheProperties.Async async = properties.getAsync();
		return LlmCacheIoPool.platformThreads(async.getIoThreads(), async.getIoQueueCapacity());
	}

	@Bean(name = "llmCacheIoPool")
	@ConditionalOnThreading(Threading.VIRTUAL)
	LlmCacheIoPool llmCacheVirtualIoPool(LlmCacheProperties properties) {
		return LlmCacheIoPool.virtualThreads(properties.getAsync().getIoThreads());
	}

	@Bean
	AsyncCalls llmCacheAsyncCalls(LlmCacheProperties properties, LlmCacheEngine engine, LlmCacheIoPool llmCacheIoPool) {
		LlmCacheProperties.Async async = properties.getAsync();
		return new AsyncCalls(engine, llmCacheIoPool.executor(), async.getReplayChunkSize(), async.getReplayChunkDelay());
	}

	@Bean
	LlmCacheAspectSupport llmCacheAspectSupport(LlmCacheProperties properties, LlmCacheOperationSource operationSource,
			OperationKeyResolver keyResolver, LlmCacheExpressionEvaluator evaluator, LlmCacheEngine engine,
			AsyncCalls asyncCalls, LlmCacheErrorHandler errorHandler, ObjectProvider<SemanticQueryFactory> semanticQueries) {
		LlmCacheAspectSupport support = new LlmCacheAspectSupport(operationSource, keyResolver, evaluator, engine,
				asyncCalls, errorHandler);
		support.setRequirePartition(properties.isRequirePartition());
		semanticQueries.ifAvailable(support::setSemanticQueryFactory);
		return support;
	}

	@Bean
	@ConditionalOnMissingBean
	LlmCacheManager llmCacheManager(LlmCacheOperationSource operationSource, OperationKeyResolver keyResolver,
			LlmCacheExpressionEvaluator evaluator, TieredCache cache) {
		return new DefaultLlmCacheManager(operationSource, keyResolver, evaluator, cache);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(LettuceConnectionFactory.class)
	@ConditionalOnProperty(prefix = "llmcache.redis", name = "enabled", matchIfMissing = true)
	static class RedisTierConfiguration {

		@Bean
		RedisTier llmCacheRedisTier(LlmCacheProperties properties, LettuceConnectionFactory connectionFactory) {
			LlmCacheProperties.Redis redis = properties.getRedis();
			RedisTier tier = new RedisTier(connectionFactory, redis.getKeyPrefix(), redis.getTimeout(),
					redis.getRetryInterval());
			tier.setEntryCaps(new EntryCaps(redis.getMaxEntriesPerNamespace(), redis.getMaxEntries()));
			tier.setStartupTimeout(redis.getStartupTimeout(), redis.getStartupPeriod());
			return tier;
		}

		@Bean
		@ConditionalOnProperty(prefix = "llmcache.l1", name = "coherent", matchIfMissing = true)
		RedisL1Coherence llmCacheL1Coherence(LlmCacheProperties properties, TieredCache cache, RedisTier redis,
				LettuceConnectionFactory connectionFactory) {
			return new RedisL1Coherence(cache, redis, connectionFactory,
					properties.getRedis().getKeyPrefix() + "invalidations", properties.getL1().getCoherenceBound());
		}

	}

}
