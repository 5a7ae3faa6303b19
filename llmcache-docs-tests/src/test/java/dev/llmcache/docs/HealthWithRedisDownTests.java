package dev.llmcache.docs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code /actuator/health} answers with the Quick start's settings while Redis is down, and
 * how soon after Redis is back it says so: what docs/operations.md#health promises.
 */
@ExtendWith(OutputCaptureExtension.class)
class HealthWithRedisDownTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private MockOpenAiServer server;

	private RedisServerProcess redis;

	@BeforeEach
	void startServers() {
		this.server = MockOpenAiServer.start();
		this.redis = RedisServerProcess.start();
	}

	@AfterEach
	void stopServers() {
		this.server.close();
		this.redis.close();
	}

	@Test
	void withBootsRedisIndicatorHealthIsDownWithinTheRedisTimeoutNotAMinute() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(status(health(context), null)).isEqualTo("UP");
			this.redis.kill();
			long started = System.nanoTime();
			HttpResponse<String> health = health(context);
			long millis = (System.nanoTime() - started) / 1_000_000;
			assertThat(health.statusCode()).isEqualTo(503);
			assertThat(status(health, null)).isEqualTo("DOWN");
			assertThat(status(health, "llmcache")).isEqualTo("DEGRADED");
			assertThat(status(health, "redis")).isEqualTo("DOWN");
			// spring.data.redis.timeout=1s bounds Boot's indicator; Lettuce's default would be 60 s.
			assertThat(millis).as("milliseconds /actuator/health took").isLessThan(15_000);
		}
	}

	@Test
	void withoutBootsRedisIndicatorHealthIsDegradedAndAnswers200() throws Exception {
		try (ConfigurableApplicationContext context = start("--management.health.redis.enabled=false",
				"--management.endpoint.health.status.order=DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")) {
			this.redis.kill();
			HttpResponse<String> health = health(context);
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(status(health, null)).isEqualTo("DEGRADED");
			assertThat(status(health, "llmcache")).isEqualTo("DEGRADED");
			assertThat(status(health, "redis")).isNull();
		}
	}

	@Test
	void afterALongOutageHealthIsUpAgainWithinRetryIntervalAndReconnectDelay(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start("--management.health.redis.enabled=false")) {
			this.redis.kill();
			// Long enough for Lettuce's own back-off (doubling up to 30 s) to reach 16 s.
			long outageEnds = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < outageEnds) {
				assertThat(status(health(context), "llmcache")).isEqualTo("DEGRADED");
				Thread.sleep(1000);
			}
			this.redis.restart();
			long restarted = System.nanoTime();
			List<String> seen = new ArrayList<>();
			while (true) {
				HttpResponse<String> health = health(context);
				seen.add(health.body());
				if ("UP".equals(status(health, "llmcache"))) {
					break;
				}
				assertThat(System.nanoTime() - restarted).as("still not UP: %s", seen)
					.isLessThan(Duration.ofSeconds(8).toNanos());
				Thread.sleep(100);
			}
			long millis = (System.nanoTime() - restarted) / 1_000_000;
			// retry-interval (1 s) + reconnect-max-delay (1 s), with room for a busy machine.
			assertThat(millis).as("milliseconds from restart to UP").isLessThan(6_000);
			// One WARN when the outage started, one INFO when it ended; Lettuce's per-attempt lines folded in.
			assertThat(output.getOut()).doesNotContain("ConnectionWatchdog");
			assertThat(count(output.getOut(), "llmcache: Redis is unavailable")).isEqualTo(1);
			assertThat(count(output.getOut(), "llmcache: Redis answers again")).isEqualTo(1);
		}
	}

	private static int count(String text, String part) {
		return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
	}

	/** The status of the whole (component null) or of one component; null if there is no such component. */
	private static String status(HttpResponse<String> health, String component) {
		JsonNode body = new ObjectMapper().readTree(health.body());
		JsonNode node = (component != null) ? body.path("components").path(component) : body;
		return node.isMissingNode() ? null : node.path("status").asString();
	}

	private HttpResponse<String> health(ConfigurableApplicationContext context) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
			.timeout(Duration.ofSeconds(90))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private ConfigurableApplicationContext start(String... arguments) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setDefaultProperties(Map.of("spring.ai.openai.api-key", "test-api-key",
				"spring.ai.openai.base-url", this.server.baseUrl(), "spring.data.redis.host", this.redis.host(),
				"spring.data.redis.port", this.redis.port(), "spring.data.redis.timeout", "1s",
				"llmcache.redis.timeout", "100ms", "server.port", "0", "management.endpoints.web.exposure.include",
				"health", "management.endpoint.health.show-components", "always"));
		return application.run(arguments);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
