package dev.llmcache.sample;

import java.net.http.HttpResponse;
import java.util.List;

import dev.llmcache.embedding.onnx.OnnxMiniLmEmbeddingModel;
import dev.llmcache.semantic.DefaultSemanticTier;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as the README's command starts it (simulated model, no Redis configured), with a short
 * simulated latency: the workload's table, the HTTP API and its cache headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		DemoTestProperties.FAST_LATENCY, DemoTestProperties.NO_STARTUP_WORKLOAD })
@ExtendWith(OutputCaptureExtension.class)
class ChatDemoApplicationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	WorkloadRunner workload;

	@Autowired
	TieredCache cache;

	@Autowired
	ApplicationContext context;

	@Test
	void withoutRedisPropertiesItRunsOnL1AloneEvenIfARedisListensLocally() {
		assertThat(this.cache.isShared()).isFalse();
	}

	@Test
	void theSemanticTierRunsOnTheOfflineOnnxModel() {
		assertThat(this.context.getBean(EmbeddingModel.class)).isInstanceOf(OnnxMiniLmEmbeddingModel.class);
		assertThat(this.context.getBeansOfType(DefaultSemanticTier.class)).hasSize(1);
	}

	@Test
	void theWorkloadShowsHitsNearMissesAndSingleFlightAndPrintsItsTable(CapturedOutput output) throws Exception {
		List<String> report = this.workload.play();
		assertThat(report).hasSize(6);
		assertThat(report.get(1)).startsWith("2. same words, other spacing: 2 of 2 answered from cache");
		// The near-misses embed close to the questions of step 1; the guards keep them apart.
		assertThat(report.get(2)).isEqualTo("3. near-misses (Spain for France, miles for km): 0 of 2 answered with "
				+ "another question's answer (correct)");
		assertThat(report.get(5))
			.isEqualTo("6. paraphrases (other words, same meaning): 2 of 2 answered from cache (semantic tier)");
		assertThat(output.getOut()).containsPattern("\\|   semantic hits +\\| +2 \\|");
		// One model call for eight callers; how many waited for it rather than finding it stored
		// depends on how fast the eight threads start on a busy machine.
		java.util.regex.Matcher concurrent = java.util.regex.Pattern
			.compile("4\\. 8 concurrent identical questions: 1 model call, (\\d) waited for it \\(single-flight\\)"
					+ "(?:, (\\d) came after it and were answered from cache)?")
			.matcher(report.get(3));
		assertThat(concurrent.matches()).as(report.get(3)).isTrue();
		int waited = Integer.parseInt(concurrent.group(1));
		int after = (concurrent.group(2) != null) ? Integer.parseInt(concurrent.group(2)) : 0;
		assertThat(waited + after).isEqualTo(7);
		assertThat(waited).isPositive();
		assertThat(report.get(4)).contains("1 of 2 calls from cache").contains("stream replayed");
		assertThat(output).contains("scripted workload on the SIMULATED model", "L1 only (no Redis configured)",
				"| model calls avoided ", "| dollars saved ", "hit latency p50 / p99");
	}

	@Test
	void askTellsTheOutcomeInItsHeaders() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		HttpResponse<String> first = http.ask("Headers test: what is the capital of France?", "annotation");
		HttpResponse<String> second = http.ask("Headers test: what is the capital of France?", "annotation");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
		assertThat(first.headers().firstValue("X-LlmCache-Tier")).hasValue("model");
		assertThat(first.body()).contains(SimulatedChatModel.PREFIX.strip());
		assertThat(second.headers().firstValue("X-LlmCache-Outcome")).hasValue("l1_hit");
		assertThat(second.headers().firstValue("X-LlmCache-Tier")).hasValue("L1");
		assertThat(second.headers().firstValue("X-LlmCache-Age-Ms")).isPresent();
		assertThat(JSON.readTree(second.body()).get("answer")).isEqualTo(JSON.readTree(first.body()).get("answer"));
		assertThat(JSON.readTree(second.body()).get("ageMs").asLong()).isNotNegative();
	}

	@Test
	void aParaphraseIsServedSemanticallyAndItsNearMissesAreNot() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		HttpResponse<String> original = http.ask("How do I turn on dark mode in the dashboard?", "annotation");
		assertThat(original.headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");

		HttpResponse<String> paraphrase = http.ask("How can I enable dark mode in the dashboard?", "annotation");
		assertThat(paraphrase.headers().firstValue("X-LlmCache-Outcome")).hasValue("semantic_hit");
		assertThat(paraphrase.headers().firstValue("X-LlmCache-Tier")).hasValue("semantic");
		assertThat(paraphrase.headers().firstValue("X-LlmCache-Similarity").map(Double::parseDouble))
			.hasValueSatisfying(similarity -> assertThat(similarity).isBetween(0.85, 0.9999));
		// The simulated model quotes the question: the answer served is the original's.
		assertThat(JSON.readTree(paraphrase.body()).get("answer")).isEqualTo(JSON.readTree(original.body()).get("answer"));
		assertThat(JSON.readTree(paraphrase.body()).get("answer").asString()).contains("turn on dark mode");

		HttpResponse<String> opposite = http.ask("How do I turn off dark mode in the dashboard?", "annotation");
		assertThat(opposite.headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
		assertThat(JSON.readTree(opposite.body()).get("answer").asString()).contains("turn off dark mode");
		HttpResponse<String> elsewhere = http.ask("How do I turn on dark mode in the mobile app?", "annotation");
		assertThat(elsewhere.headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
		assertThat(JSON.readTree(elsewhere.body()).get("answer").asString()).contains("mobile app");
	}

	@Test
	void theAdvisorPathCachesToo() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		assertThat(http.ask("Advisor test", "advisor").headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
		assertThat(http.ask("Advisor test", "advisor").headers().firstValue("X-LlmCache-Outcome")).hasValue("l1_hit");
	}

	@Test
	void streamSendsChunksThenTheOutcome() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		HttpResponse<String> live = http.stream("Stream test");
		assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("text/event-stream"));
		assertThat(live.body()).contains("event:chunk").contains("event:outcome\ndata:miss");
		assertThat(live.body().split("event:chunk", -1).length - 1).isGreaterThan(1);
		HttpResponse<String> replayed = http.stream("Stream test");
		assertThat(replayed.body()).contains("event:outcome\ndata:hit");
		assertThat(replayed.body().split("event:chunk", -1).length - 1).isEqualTo(1);
	}

	@Test
	void clearingTheCacheMakesTheNextAskAMiss() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		http.ask("Clear test", "annotation");
		assertThat(http.ask("Clear test", "annotation").headers().firstValue("X-LlmCache-Outcome")).hasValue("l1_hit");
		assertThat(http.post("/api/cache/clear").body()).isEqualTo("{\"cleared\":[\"faq\",\"chat-client\"]}");
		assertThat(http.ask("Clear test", "annotation").headers().firstValue("X-LlmCache-Outcome")).hasValue("miss");
	}

	@Test
	void statsReportTotalsAndATimeline() throws Exception {
		DemoHttp http = new DemoHttp(this.port);
		http.ask("Stats test", "annotation");
		http.ask("Stats test", "annotation");
		String stats = http.get("/api/stats").body();
		assertThat(stats).contains("\"model\":\"simulated\"", "\"tiers\":\"L1 only\"", "\"hitRatioByTier\"",
				"\"timeline\"", "\"dollarsSaved\"");
	}

}
