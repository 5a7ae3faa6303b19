package dev.llmcache.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard end to end in a real headless Chromium: ask a question twice in the page, see the
 * second answer marked as a hit, and keep a screenshot ({@code target/dashboard.png}). Fails (never
 * skips) when Chromium is not installed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		DemoTestProperties.FAST_LATENCY, DemoTestProperties.NO_STARTUP_WORKLOAD })
class DashboardBrowserTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Test
	void askingTwiceInThePageShowsTheSecondAnswerAsAHit() throws Exception {
		try (Chromium chromium = Chromium.launch()) {
			chromium.navigate("http://localhost:" + this.port + "/");
			chromium.await("document.getElementById('model').textContent", "simulated"::equals, TIMEOUT);
			String question = "Browser test: what is the capital of France?";
			chromium.eval("document.getElementById('question').value = '" + question + "'");

			chromium.eval("document.getElementById('ask').click()");
			assertThat(awaitOutcome(chromium)).isEqualTo("miss");
			assertThat(chromium.eval("document.getElementById('outcome').textContent")).startsWith("MISS · miss · model");

			chromium.eval("document.getElementById('ask').click()");
			assertThat(awaitOutcome(chromium)).isEqualTo("l1_hit");
			assertThat(chromium.eval("document.getElementById('outcome').textContent")).startsWith("HIT · l1_hit · L1");
			assertThat(chromium.eval("document.getElementById('answer').textContent"))
				.startsWith(SimulatedChatModel.PREFIX + "A real model would answer \"Browser test");
			chromium.await("document.getElementById('avoided').textContent", value -> !"–".equals(value)
					&& Integer.parseInt(value) >= 1, TIMEOUT);

			byte[] png = chromium.screenshot();
			Path file = Path.of("target", "dashboard.png");
			Files.createDirectories(file.getParent());
			Files.write(file, png);
			assertThat(png).startsWith(0x89, 'P', 'N', 'G');
			assertThat(png.length).isGreaterThan(10_000);
		}
	}

	private String awaitOutcome(Chromium chromium) throws Exception {
		String outcome = chromium.await("document.getElementById('outcome').dataset.outcome",
				value -> value != null && !value.isEmpty() && !"pending".equals(value), TIMEOUT);
		chromium.eval("document.getElementById('outcome').dataset.outcome = 'pending'");
		return outcome;
	}

}
