package dev.llmcache.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.annotation.LlmCached;
import dev.llmcache.codec.CachedValue;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.codec.LlmCacheSerializer;
import dev.llmcache.codec.ValueType;
import dev.llmcache.engine.LlmCacheErrorHandler;
import dev.llmcache.engine.LoggingLlmCacheErrorHandler;
import dev.llmcache.key.CacheKey;
import dev.llmcache.key.DefaultLlmCacheKeyGenerator;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.PromptNormalizer;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the auto-configuration creates, what it backs off from, and the mistakes it stops at startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmCacheAutoConfigurationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LlmCacheAutoConfiguration.class));

	@Test
	void noBeanIsCreatedTooEarlyForThePostProcessors(CapturedOutput output) {
		// Micrometer's registry post-processor comes after the proxy creator, as in an application.
		LlmCacheContexts.withoutRedis(server)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("llmcache.ttl=5m", "llmcache.normalize.strip-tokens=true",
					"llmcache.normalize.patterns=order-\\d+")
			.run(context -> {
				assertThat(context).hasNotFailed();
				AskService service = context.getBean(AskService.class);
				service.ask("Where is order-123?");
				String second = service.ask("Where is order-456?");
				assertThat(server.requestCount()).as("the bound normalize pattern applies").isEqualTo(1);
				assertThat(second).as("the second caller gets their own token back").contains("order-456")
					.doesNotContain("order-123");
			});
		assertThat(output).doesNotContain("is not eligible for getting processed by all BeanPostProcessors");
	}

	@Test
	void withoutRedisItCachesInL1Alone() {
		LlmCacheContexts.withoutRedis(server).run(context -> {
			assertThat(context).hasSingleBean(LocalTier.class).doesNotHaveBean(RedisTier.class);
			AskService service = context.getBean(AskService.class);
			service.ask("One tier enough?");
			service.ask("One tier enough?");
			assertThat(server.requestCount()).isEqualTo(1);
		});
	}

	@Test
	void disabledLeavesMethodsPlain() {
		LlmCacheContexts.withoutRedis(server).withPropertyValues("llmcache.enabled=false").run(context -> {
			assertThat(context).doesNotHaveBean(LlmCacheManager.class);
			AskService service = context.getBean(AskService.class);
			service.ask("Cached?");
			service.ask("Cached?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void userStrategiesReplaceTheDefaults() {
		LlmCacheKeyGenerator keyGenerator = new DefaultLlmCacheKeyGenerator(PromptNormalizer.none());
		LlmCacheSerializer serializer = new JsonLlmCacheSerializer();
		LlmCacheErrorHandler errorHandler = new LoggingLlmCacheErrorHandler();
		this.runner.withBean(LlmCacheKeyGenerator.class, () -> keyGenerator)
			.withBean(LlmCacheSerializer.class, () -> serializer)
			.withBean(LlmCacheErrorHandler.class, () -> errorHandler)
			.run(context -> {
				assertThat(context.getBean(LlmCacheKeyGenerator.class)).isSameAs(keyGenerator);
				assertThat(context.getBean(LlmCacheSerializer.class)).isSameAs(serializer);
				assertThat(context.getBean(LlmCacheErrorHandler.class)).isSameAs(errorHandler);
			});
	}

	@Test
	void aCustomKeyGeneratorIsUsedByTheInterceptor() {
		LlmCacheKeyGenerator everythingIsOneKey = new LlmCacheKeyGenerator() {
			@Override
			public CacheKey generate(KeyRequest request) {
				return new CacheKey(request.namespace(), null, "0".repeat(64));
			}

			@Override
			public String canonicalForm(KeyRequest request) {
				return "{}";
			}
		};
		LlmCacheContexts.withoutRedis(server).withBean(LlmCacheKeyGenerator.class, () -> everythingIsOneKey)
			.run(context -> {
				AskService service = context.getBean(AskService.class);
				String first = service.ask("first question");
				assertThat(service.ask("a different question")).isEqualTo(first);
				assertThat(server.requestCount()).isEqualTo(1);
			});
	}

	@Test
	void aFailingSerializerNeverFailsTheCall() {
		LlmCacheSerializer broken = new LlmCacheSerializer() {
			@Override
			public byte[] serialize(CachedValue entry, ValueType type) {
				throw new IllegalStateException("disk on fire");
			}

			@Override
			public CachedValue deserialize(byte[] bytes, ValueType type) {
				throw new IllegalStateException("disk on fire");
			}
		};
		LlmCacheContexts.withoutRedis(server).withBean(LlmCacheSerializer.class, () -> broken).run(context -> {
			AskService service = context.getBean(AskService.class);
			assertThat(service.ask("Still answered?")).startsWith("Answer to: Still answered?");
			assertThat(service.ask("Still answered?")).startsWith("Answer to: Still answered?");
			assertThat(server.requestCount()).isEqualTo(2);
		});
	}

	@Test
	void semanticWithoutASemanticTierFailsAtStartup() {
		this.runner.withBean(SemanticService.class).run(context -> assertThat(context).getFailure()
			.rootCause()
			.hasMessage("dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$SemanticService.ask(String) sets "
					+ "@LlmCached(semantic = true), but no semantic tier is configured: add a Spring AI EmbeddingModel "
					+ "bean (dev.llmcache:llmcache-embedding-onnx provides an offline one), or remove semantic = true"));
	}

	@Test
	void unsupportedAsyncReturnTypesFailAtStartup() {
		this.runner.withBean(FutureService.class).run(context -> assertThat(context).getFailure()
			.rootCause()
			.hasMessage("dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$FutureService.ask(String) returns "
					+ "java.util.concurrent.Future: @LlmCached supports CompletableFuture, Mono and Flux among "
					+ "asynchronous types; return one of those or the value itself"));
		this.runner.withBean(FluxOfIntegerService.class).run(context -> assertThat(context).getFailure()
			.rootCause()
			.hasMessage("dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$FluxOfIntegerService.ask(String) "
					+ "returns Flux<Integer>: a stream is cached as Flux<String> or Flux<ChatResponse> only"));
		this.runner.withBean(MonoOfObjectService.class).run(context -> assertThat(context).getFailure()
			.rootCause()
			.hasMessage("dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$MonoOfObjectService.ask(String) "
					+ "returns reactor.core.publisher.Mono<java.lang.Object>: declare the concrete type @LlmCached "
					+ "should store and read back"));
	}

	@Test
	void invalidExpressionsAndTtlsFailAtStartup() {
		this.runner.withBean(BadSpelService.class).run(context -> assertThat(context).getFailure()
			.hasStackTraceContaining("Invalid SpEL in partition = \"#user.\" on "
					+ "dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$BadSpelService.ask(String,String): "
					+ "Expression [#user.] @5: EL1044E: Unexpectedly ran out of input"));
		this.runner.withBean(BadTtlService.class).run(context -> assertThat(context).getFailure()
			.hasStackTraceContaining("dev.llmcache.autoconfigure.LlmCacheAutoConfigurationTests$BadTtlService.ask(String) has "
					+ "ttl = \"ten minutes\": use an ISO-8601 duration such as PT10M or a number of seconds"));
	}

	@Test
	void argumentsThatCannotBeMadeCanonicalFailAtStartup() {
		this.runner.withBean(StreamArgumentService.class).run(context -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("parameter 'body' of ")
			.hasMessageContaining("StreamArgumentService.ask(InputStream)"));
	}

	@Test
	void configurationMetadataIsGenerated() throws Exception {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).isNotNull();
			String json = new String(metadata.readAllBytes(), StandardCharsets.UTF_8);
			assertThat(json).contains("\"llmcache.redis.timeout\"", "\"llmcache.ttl\"", "\"llmcache.l1.max-size\"",
					"\"llmcache.normalize.patterns\"", "\"llmcache.max-temperature\"");
		}
	}

	static class SemanticService {

		@LlmCached(semantic = true)
		public String ask(String question) {
			return question;
		}

	}

	static class FutureService {

		@LlmCached
		public Future<String> ask(String question) {
			return CompletableFuture.completedFuture(question);
		}

	}

	static class FluxOfIntegerService {

		@LlmCached
		public Flux<Integer> ask(String question) {
			return Flux.just(1);
		}

	}

	static class MonoOfObjectService {

		@LlmCached
		public Mono<Object> ask(String question) {
			return Mono.just(question);
		}

	}

	static class BadSpelService {

		@LlmCached(partition = "#user.")
		public String ask(String user, String question) {
			return question;
		}

	}

	static class BadTtlService {

		@LlmCached(ttl = "ten minutes")
		public String ask(String question) {
			return question;
		}

	}

	static class StreamArgumentService {

		@LlmCached
		public String ask(InputStream body) {
			return "x";
		}

	}

}
