package dev.llmcache.sample;

import java.net.http.HttpResponse;

import dev.llmcache.test.RedisServerProcess;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.data.redis.*} set, the demo caches in L2 as well: a real Redis on a free port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		DemoTestProperties.FAST_LATENCY, DemoTestProperties.NO_STARTUP_WORKLOAD, "llmcache.l1.enabled=false",
		// RedisChoice decides before dynamic properties exist: the host is what it looks at.
		"spring.data.redis.host=127.0.0.1" })
class RedisL2Tests {

	private static RedisServerProcess redis;

	@LocalServerPort
	int port;

	@Autowired
	TieredCache cache;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> redis.host());
		registry.add("spring.data.redis.port", () -> redis.port());
	}

	@Test
	void answersComeFromRedis() throws Exception {
		assertThat(this.cache.isShared()).isTrue();
		DemoHttp http = new DemoHttp(this.port);
		HttpResponse<String> first = http.ask("Redis test", "annotation");
		HttpResponse<String> second = http.ask("Redis test", "annotation");
		assertThat(first.headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
		assertThat(second.headers().firstValue("X-LlmCache-Outcome")).hasValue("l2_hit");
		assertThat(second.headers().firstValue("X-LlmCache-Tier")).hasValue("L2");
		assertThat(redis.command("KEYS", "llmcache:e:*")).isNotBlank();
		assertThat(http.get("/api/stats").body()).contains("\"tiers\":\"L1 + L2 (Redis)\"");
	}

}
