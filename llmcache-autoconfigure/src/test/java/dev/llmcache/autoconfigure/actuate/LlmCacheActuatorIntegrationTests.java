package dev.llmcache.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.ChatModelAskService;
import dev.llmcache.key.CacheKey;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RedisServerProcess;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real web application (embedded Tomcat, Actuator, the Prometheus registry) with the starter's
 * auto-configuration, the real OpenAI client against the mock server and a real Redis: metrics as
 * Prometheus scrapes them, the {@code llmcache} endpoint and the health indicator over HTTP.
 */
class LlmCacheActuatorIntegrationTests {

	private static MockOpenAiServer server;

	private static RedisServerProcess redis;

	private static ConfigurableApplicationContext context;

	private static String base;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		server = MockOpenAiServer.start();
		redis = RedisServerProcess.start();
		context = new SpringApplicationBuilder(App.class).properties("server.port=0",
				"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"llmcache.redis.retry-interval=200ms", "llmcache.redis.ttl-jitter=0",
				"llmcache.pricing.gpt-4o-mini.input-per-million=0.15",
				"llmcache.pricing.gpt-4o-mini.output-per-million=0.60",
				"management.endpoints.web.exposure.include=health,prometheus,llmcache",
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=false", "management.endpoint.llmcache.access=unrestricted")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		base = "http://127.0.0.1:" + port + "/actuator";
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		server.close();
		redis.close();
	}

	@BeforeEach
	void reset() {
		server.reset();
	}

	@Test
	void prometheusShowsRequestsTimersAndSavings() throws Exception {
		AskService service = context.getBean(AskService.class);
		String question = "Which metrics does llmcache publish?";
		service.faq(question);
		service.faq(question);
		service.faq(question);
		assertThat(server.requestCount()).isEqualTo(1);
		long inputTokens = (question.length() + 3) / 4;
		long outputTokens = (MockOpenAiServer.expectedAnswer(question).length() + 3) / 4;

		String scrape = get("/prometheus").body();
		assertThat(scrape).contains("llmcache_requests_total{namespace=\"faq\",outcome=\"miss\"} 1.0")
			.contains("llmcache_requests_total{namespace=\"faq\",outcome=\"l1_hit\"} 2.0")
			.containsPattern("llmcache_lookup_seconds_count\\{[^}]*llmcache_namespace=\"faq\",llmcache_outcome=\"l1_hit\"[^}]*\\} 2")
			.containsPattern("llmcache_model_call_seconds_count\\{[^}]*llmcache_namespace=\"faq\"[^}]*\\} 1")
			.contains("llmcache_tokens_saved_total{model=\"gpt-4o-mini\",namespace=\"faq\",type=\"input\"} "
					+ (2.0 * inputTokens))
			.contains("llmcache_tokens_saved_total{model=\"gpt-4o-mini\",namespace=\"faq\",type=\"output\"} "
					+ (2.0 * outputTokens))
			.doesNotContain("llmcache_lookup_duration_seconds")
			.doesNotContain("llmcache_model_duration_seconds")
			.contains("llmcache_cost_saved_total{model=\"gpt-4o-mini\",namespace=\"faq\"}")
			.contains("llmcache_l1_size_bytes")
			.contains("llmcache_similarity");
	}

	@Test
	void operationsGuideListsEveryMeterPrometheusShowsWithItsTags() throws Exception {
		AskService service = context.getBean(AskService.class);
		// Not in "faq": another test counts that namespace's calls exactly.
		service.ask("Is every meter documented?");
		service.ask("Is every meter documented?");
		Map<String, Set<String>> documented = documentedMeters(Files.readString(Path.of("../docs/operations.md")));
		Map<String, Set<String>> scraped = scrapedMeters(get("/prometheus").body());

		assertThat(scraped).as("every meter Prometheus shows is documented with exactly its tags")
			.isNotEmpty()
			.allSatisfy((name, tags) -> assertThat(documented).as(name).containsEntry(name, tags));
		// Embedding, semantic index and verifier meters appear only with a semantic tier, which this
		// application has not.
		assertThat(documented.keySet()).as("every documented meter is published")
			.containsExactlyInAnyOrderElementsOf(union(scraped.keySet(),
					Set.of("llmcache_tokens_embedding", "llmcache_cost_embedding", "llmcache_semantic_index_entries",
							"llmcache_semantic_index_evictions", "llmcache_semantic_verifier")));
	}

	/** Meter name (as Prometheus spells it, without unit or suffix) to tag keys, from the guide's tables. */
	private static Map<String, Set<String>> documentedMeters(String guide) {
		Map<String, Set<String>> meters = new TreeMap<>();
		Matcher row = Pattern.compile("(?m)^\\| `(llmcache\\.[a-z0-9.]+)` \\| [^|]+ \\|([^|]*)\\|").matcher(guide);
		while (row.find()) {
			Set<String> tags = new TreeSet<>();
			Matcher tag = Pattern.compile("`([a-z0-9._]+)`").matcher(row.group(2));
			while (tag.find()) {
				tags.add(tag.group(1).replace('.', '_'));
			}
			meters.put(row.group(1).replace('.', '_'), tags);
		}
		return meters;
	}

	private static Map<String, Set<String>> scrapedMeters(String scrape) {
		Map<String, Set<String>> meters = new TreeMap<>();
		Matcher sample = Pattern.compile("(?m)^(llmcache_[a-z0-9_]+)(?:\\{([^}]*)\\})? ").matcher(scrape);
		while (sample.find()) {
			String name = sample.group(1).replaceFirst(
					"(_seconds_active_count|_seconds_duration_sum|_seconds_count|_seconds_sum|_seconds_max|_seconds_bucket"
							+ "|_seconds|_total|_bytes|_count|_sum|_max|_bucket)$",
					"");
			Set<String> tags = new TreeSet<>();
			if (sample.group(2) != null) {
				Matcher label = Pattern.compile("([a-z0-9_]+)=\"").matcher(sample.group(2));
				while (label.find()) {
					if (!label.group(1).equals("le") && !label.group(1).equals("quantile")) {
						tags.add(label.group(1));
					}
				}
			}
			meters.merge(name, tags, (a, b) -> {
				Set<String> all = new TreeSet<>(a);
				all.addAll(b);
				return all;
			});
		}
		return meters;
	}

	private static Set<String> union(Set<String> a, Set<String> b) {
		Set<String> all = new TreeSet<>(a);
		all.addAll(b);
		return all;
	}

	@Test
	void endpointReportsAndClearingANamespaceMakesTheNextCallAMiss() throws Exception {
		AskService service = context.getBean(AskService.class);
		String question = "How do I clear a namespace?";
		service.askAs("alice", question);
		service.askAs("alice", question);
		assertThat(server.requestCount()).isEqualTo(1);
		String namespace = context.getBean(LlmCacheManager.class).namespaceOf(ChatModelAskService.class, "askAs");

		HttpResponse<String> report = get("/llmcache");
		assertThat(report.statusCode()).isEqualTo(200);
		assertThat(report.body()).contains("\"l1\":{\"enabled\":true,\"entries\":")
			.contains("\"sizeBytes\":")
			.contains("\"l2\":{\"enabled\":true,\"up\":true}")
			.contains("\"hitRatioByTier\":")
			.contains("\"costSaved\":")
			.contains("\"netCostSaved\":")
			.doesNotContain(question);

		HttpResponse<String> cleared = send("DELETE", "/llmcache/" + namespace);
		assertThat(cleared.statusCode()).isEqualTo(200);
		service.askAs("alice", question);
		assertThat(server.requestCount()).isEqualTo(2);

		CacheKey key = context.getBean(LlmCacheManager.class)
			.keyFor(ChatModelAskService.class, "askAs", "alice", question);
		HttpResponse<String> evicted = send("DELETE", "/llmcache/" + namespace + "/" + key.hash() + "?partition=alice");
		assertThat(evicted.statusCode()).isEqualTo(200);
		assertThat(evicted.body()).contains("\"evicted\":\"" + key.hash() + "\"");
		service.askAs("alice", question);
		assertThat(server.requestCount()).isEqualTo(3);
		service.askAs("alice", question);
		assertThat(server.requestCount()).isEqualTo(3);
	}

	@Test
	void healthTurnsDegradedWhenRedisStopsAndUpWhenItRestarts() throws Exception {
		assertThat(get("/health/llmcache").body()).contains("\"status\":\"UP\"");
		redis.stop();
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				HttpResponse<String> health = get("/health/llmcache");
				assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("\"l2\":\"unavailable\"");
				assertThat(health.statusCode()).isEqualTo(200);
			});
			// With Boot's own Redis indicator off (Redis is only a cache here), the application is not DOWN.
			HttpResponse<String> overall = get("/health");
			assertThat(overall.body()).doesNotContain("\"status\":\"DOWN\"");
			assertThat(overall.statusCode()).isEqualTo(200);
			AskService service = context.getBean(AskService.class);
			assertThat(service.ask("Still working?")).startsWith("Answer to: Still working?");
		}
		finally {
			redis.restart();
		}
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(get("/health/llmcache").body()).contains("\"status\":\"UP\""));
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send("GET", path);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ChatModel chatModel(ObservationRegistry observations) {
			return OpenAiChatModel.builder()
				.options(OpenAiTestModels.options(server, OpenAiTestModels.DEFAULT_MODEL).build())
				.observationRegistry(observations)
				.build();
		}

		@Bean
		AskService askService(ChatModel chatModel) {
			return new ChatModelAskService(chatModel);
		}

	}

}
