package dev.llmcache.sample;

import java.util.List;

import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo run twice against one Redis, as its README suggests: the second run answers from what
 * the first stored (L2 hits, no model call for them), and judges a near-miss by where its answer
 * came from: its own stored answer is right, only another question's answer would be wrong.
 */
class SecondRunTests {

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	private static List<String> run() throws Exception {
		try (ConfigurableApplicationContext context = SpringApplication.run(ChatDemoApplication.class,
				"--" + DemoTestProperties.FAST_LATENCY, "--" + DemoTestProperties.NO_STARTUP_WORKLOAD,
				"--server.port=0", "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port())) {
			return context.getBean(WorkloadRunner.class).play();
		}
	}

	@Test
	void theSecondRunAgainstTheSameRedisShowsL2HitsAndNoFalseAlarm() throws Exception {
		List<String> first = run();
		assertThat(first.get(0)).isEqualTo("1. repeated questions: 4 questions x 3 rounds -> 8 answered from cache");
		assertThat(first.get(2)).isEqualTo("3. near-misses (Spain for France, miles for km): 0 of 2 answered with "
				+ "another question's answer (correct)");

		List<String> second = run();
		assertThat(second).noneMatch(line -> line.contains("WRONG"));
		assertThat(second.get(0)).isEqualTo("1. repeated questions: 4 questions x 3 rounds -> 12 answered from cache "
				+ "(4 of the first 4 from Redis, stored by an earlier run: shared by every instance and restart)");
		assertThat(second.get(2)).isEqualTo("3. near-misses (Spain for France, miles for km): 0 of 2 answered with "
				+ "another question's answer, 2 with its own earlier answer (correct)");
		assertThat(second.get(3))
			.isEqualTo("4. 8 concurrent identical questions: 8 answered from cache (stored by an earlier run), "
					+ "no model call");
		assertThat(second.get(4)).contains("2 of 2 calls from cache");
	}

}
