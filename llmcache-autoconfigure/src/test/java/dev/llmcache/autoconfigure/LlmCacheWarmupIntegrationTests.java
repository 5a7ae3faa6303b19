package dev.llmcache.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.llmcache.autoconfigure.warmup.LlmCacheWarmupAutoConfiguration;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.warmup.LlmCacheWarmer;
import dev.llmcache.warmup.WarmupFailure;
import dev.llmcache.warmup.WarmupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Warm-up from a JSON-lines file and from properties, through the real beans, the real OpenAI
 * client against the counting mock server and a real Redis.
 */
class LlmCacheWarmupIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@TempDir
	Path directory;

	@Test
	void warmUpFromAFileStoresEveryEntryReportsFailuresAndSkipsWhatIsCached() throws Exception {
		Path file = this.directory.resolve("warmup.jsonl");
		Files.writeString(file, """
				{"bean":"askService","method":"ask","args":["What are your opening hours?"]}
				{"prompt":"How do I reset my password?"}
				# tenants have their own entries
				{"bean":"askService","method":"askAs","args":["acme","Where is my invoice?"]}
				{"bean":"askService","method":"recipe","args":["soup"]}
				this is not json
				{"bean":"noSuchBean","method":"ask","args":["Anyone there?"]}
				{"bean":"askService","method":"noSuchMethod","args":[]}

				{"bean":"askService","method":"ask"}
				""", StandardCharsets.UTF_8);
		LlmCacheContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheWarmupAutoConfiguration.class))
			.withPropertyValues("llmcache.warmup.file=" + file.toUri(), "llmcache.warmup.bean=askService",
					"llmcache.warmup.method=faq", "llmcache.warmup.concurrency=3")
			.run(context -> {
				LlmCacheWarmer warmer = context.getBean(LlmCacheWarmer.class);
				WarmupReport report = runConfigured(warmer);
				assertThat(report.total()).isEqualTo(8);
				assertThat(report.warmed()).isEqualTo(4);
				assertThat(report.skipped()).isZero();
				assertThat(report.failures()).extracting(WarmupFailure::source)
					.containsExactlyInAnyOrder("warmup.jsonl:6", "warmup.jsonl:7", "warmup.jsonl:8", "warmup.jsonl:10");
				assertThat(report.failures()).filteredOn(failure -> failure.source().equals("warmup.jsonl:8"))
					.extracting(WarmupFailure::reason)
					.containsExactly("java.lang.IllegalArgumentException: No @LlmCached method 'noSuchMethod' with 0 "
							+ "parameter(s) on bean 'askService' (" + ChatModelAskService.class.getName() + ")");
				assertThat(report.failures()).filteredOn(failure -> failure.source().equals("warmup.jsonl:7"))
					.extracting(WarmupFailure::reason)
					.singleElement()
					.asString()
					.startsWith("org.springframework.beans.factory.NoSuchBeanDefinitionException: "
							+ "No bean named 'noSuchBean' available");
				assertThat(server.requestCount()).isEqualTo(4);

				AskService service = context.getBean(AskService.class);
				service.ask("What are your opening hours?");
				service.faq("How do I reset my password?");
				service.askAs("acme", "Where is my invoice?");
				service.recipe("soup");
				assertThat(server.requestCount()).isEqualTo(4);

				WarmupReport again = runConfigured(warmer);
				assertThat(again.warmed()).isZero();
				assertThat(again.skipped()).isEqualTo(4);
				assertThat(again.failed()).isEqualTo(4);
				assertThat(server.requestCount()).isEqualTo(4);
			});
	}

	@Test
	void warmUpFromPropertiesReportsWhatTheCacheRefused() {
		LlmCacheContexts.withRedis(server, redis)
			.withConfiguration(AutoConfigurations.of(LlmCacheWarmupAutoConfiguration.class))
			.withPropertyValues("llmcache.warmup.bean=askService", "llmcache.warmup.method=faq",
					"llmcache.warmup.prompts[0]=First prompt", "llmcache.warmup.prompts[1]=Second prompt",
					"llmcache.warmup.calls[0].bean=askService", "llmcache.warmup.calls[0].method=conditional",
					"llmcache.warmup.calls[0].args[0]=Too volatile to keep", "llmcache.warmup.calls[0].args[1]=true")
			.run(context -> {
				server.setResponder(request -> "a volatile answer to " + request.messageTexts().size() + " message(s)");
				WarmupReport report = runConfigured(context.getBean(LlmCacheWarmer.class));
				assertThat(report.total()).isEqualTo(3);
				assertThat(report.warmed()).isEqualTo(2);
				assertThat(report.notStored()).isEqualTo(1);
				assertThat(report.failures()).isEmpty();
			});
	}

	@Test
	void warmUpRunsInTheBackgroundOnceTheApplicationIsReady() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(StartupApp.class)
			.web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"llmcache.warmup.on-startup=true", "llmcache.warmup.bean=askService",
					"llmcache.warmup.method=faq", "llmcache.warmup.prompts=Warm at startup,And this one")
			.run()) {
			LlmCacheWarmer warmer = context.getBean(LlmCacheWarmer.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> warmer.lastReport() != null);
			assertThat(warmer.lastReport().warmed()).isEqualTo(2);
			context.getBean(AskService.class).faq("Warm at startup");
			assertThat(server.requestCount()).isEqualTo(2);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class StartupApp {

		@Bean
		AskService askService() {
			return new ChatModelAskService(OpenAiTestModels.chatModel(server));
		}

	}

	private static WarmupReport runConfigured(LlmCacheWarmer warmer) {
		WarmupReport before = warmer.lastReport();
		assertThat(warmer.startConfigured()).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> warmer.lastReport() != before && !warmer.isRunning());
		return warmer.lastReport();
	}

}
