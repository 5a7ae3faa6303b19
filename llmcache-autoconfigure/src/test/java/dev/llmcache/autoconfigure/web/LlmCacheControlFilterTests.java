package dev.llmcache.autoconfigure.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.ChatModelAskService;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The header filter in a real embedded server, in front of a controller whose service is
 * {@code @LlmCached}.
 */
class LlmCacheControlFilterTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private static ConfigurableApplicationContext context;

	private static String base;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(App.class).properties("server.port=0",
				"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"llmcache.redis.ttl-jitter=0", "llmcache.web.control-filter=true")
			.run();
		base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void cacheControlNoCacheRefreshesAndNoStoreStoresNothing() throws Exception {
		assertThat(ask("Plain question").body()).startsWith("Answer to: Plain question");
		ask("Plain question");
		assertThat(server.requestCount()).isEqualTo(1);
		ask("Plain question", "Cache-Control", "no-cache");
		assertThat(server.requestCount()).isEqualTo(2);
		ask("Private question", "Cache-Control", "private, no-store");
		ask("Private question");
		assertThat(server.requestCount()).isEqualTo(4);
		ask("Refreshed question");
		ask("Refreshed question", LlmCacheControlFilter.REFRESH_HEADER, "true");
		assertThat(server.requestCount()).isEqualTo(6);
	}

	@Test
	void ttlHeaderSetsTheLifetime() throws Exception {
		ask("Short question", "X-LLM-Cache-TTL", "20");
		String hash = context.getBean(LlmCacheManager.class)
			.keyFor(ChatModelAskService.class, "faq", "Short question")
			.hash();
		assertThat(Long.parseLong(redis.command("PTTL", "llmcache:e:" + hash))).isBetween(1L, 20_000L);
	}

	@Test
	void malformedHeadersAreRejectedBeforeTheApplicationRuns() throws Exception {
		HttpResponse<String> ttl = ask("Bad ttl", "X-LLM-Cache-TTL", "soon");
		assertThat(ttl.statusCode()).isEqualTo(400);
		assertThat(ttl.body()).contains(
				"X-LLM-Cache-TTL must be a positive ISO-8601 duration (PT5M) or a number of seconds, got 'soon'");
		HttpResponse<String> semantic = ask("Bad similarity", "X-LLM-Cache-Semantic", "1.5");
		assertThat(semantic.statusCode()).isEqualTo(400);
		assertThat(semantic.body()).contains("X-LLM-Cache-Semantic must be 'off' or a similarity in [0, 1], got '1.5'");
		assertThat(server.requestCount()).isZero();
	}

	private HttpResponse<String> ask(String question, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create(base + "/ask?q=" + URLEncoder.encode(question, StandardCharsets.UTF_8)))
			.timeout(Duration.ofSeconds(10));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ChatModel chatModel() {
			return OpenAiTestModels.chatModel(server);
		}

		@Bean
		AskService askService(ChatModel chatModel) {
			return new ChatModelAskService(chatModel);
		}

		@Bean
		AskController askController(AskService service) {
			return new AskController(service);
		}

	}

	@RestController
	static class AskController {

		private final AskService service;

		AskController(AskService service) {
			this.service = service;
		}

		@GetMapping("/ask")
		String ask(@RequestParam("q") String question) {
			return this.service.faq(question);
		}

	}

}
