package dev.llmcache.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.advisor.LlmCacheAdvisor;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.Outcome;
import dev.llmcache.tier.TieredCache;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo's HTTP API. {@code GET /api/ask} answers through the {@code @LlmCached} service (or,
 * with {@code via=advisor}, through the ChatClient advisor) and tells how in its headers:
 * {@code X-LlmCache-Outcome} (l1_hit, l2_hit, semantic_hit, coalesced, miss, bypass),
 * {@code X-LlmCache-Tier}, {@code X-LlmCache-Age-Ms} and {@code X-LlmCache-Similarity} of the entry
 * served, {@code X-LlmCache-Latency-Ms}. {@code GET /api/ask/stream} streams the advisor's answer as
 * server-sent events {@code chunk}, then one {@code outcome} ({@code hit} or {@code miss}).
 */
@RestController
public class AskController {

	private final AssistantService assistant;

	private final AdvisorAssistant advisor;

	private final DemoMetrics metrics;

	private final LlmCacheManager manager;

	private final LlmCacheAdvisor llmCacheAdvisor;

	private final TieredCache cache;

	private final ChatModel chatModel;

	public AskController(AssistantService assistant, AdvisorAssistant advisor, DemoMetrics metrics,
			LlmCacheManager manager, LlmCacheAdvisor llmCacheAdvisor, TieredCache cache, ChatModel chatModel) {
		this.assistant = assistant;
		this.advisor = advisor;
		this.metrics = metrics;
		this.manager = manager;
		this.llmCacheAdvisor = llmCacheAdvisor;
		this.cache = cache;
		this.chatModel = chatModel;
	}

	@GetMapping("/api/ask")
	public ResponseEntity<Map<String, Object>> ask(@RequestParam("q") String question,
			@RequestParam(name = "via", defaultValue = "annotation") String via) {
		if (question.isBlank()) {
			return ResponseEntity.badRequest().body(Map.of("error", "q must not be blank"));
		}
		boolean viaAdvisor = "advisor".equals(via);
		DemoMetrics.Observed<ChatResponse> observed = this.metrics
			.observe(() -> viaAdvisor ? this.advisor.ask(question) : this.assistant.ask(question));
		CallEvent event = observed.event();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("answer", textOf(observed.value()));
		body.put("via", viaAdvisor ? "advisor" : "annotation");
		HttpHeaders headers = new HttpHeaders();
		String outcome = (event != null) ? event.outcome().tag() : Outcome.BYPASS.tag();
		headers.add("X-LlmCache-Outcome", outcome);
		headers.add("X-LlmCache-Tier", tierOf(event));
		body.put("outcome", outcome);
		body.put("tier", tierOf(event));
		if (event != null && event.outcome().isHit() && event.entry() != null) {
			long age = event.entry().ageMillis(System.currentTimeMillis());
			headers.add("X-LlmCache-Age-Ms", String.valueOf(age));
			body.put("ageMs", age);
		}
		if (event != null && event.similarity() != null) {
			String similarity = String.format(Locale.ROOT, "%.4f", event.similarity());
			headers.add("X-LlmCache-Similarity", similarity);
			body.put("similarity", event.similarity());
		}
		double latency = observed.nanos() / 1_000_000.0;
		headers.add("X-LlmCache-Latency-Ms", String.format(Locale.ROOT, "%.2f", latency));
		body.put("latencyMs", latency);
		return ResponseEntity.ok().headers(headers).body(body);
	}

	@GetMapping(path = "/api/ask/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<String>> stream(@RequestParam("q") String question) {
		long start = System.nanoTime();
		boolean[] cached = new boolean[1];
		Flux<ServerSentEvent<String>> chunks = this.advisor.stream(question).handle((response, sink) -> {
			cached[0] |= Boolean.TRUE.equals(response.context().get(LlmCacheAdvisor.CACHED));
			String text = textOf(response);
			if (!text.isEmpty()) {
				sink.next(ServerSentEvent.builder(text).event("chunk").build());
			}
		});
		return chunks.concatWith(Flux.defer(() -> Flux.just(ServerSentEvent
			.builder(cached[0] ? "hit" : "miss")
			.event("outcome")
			.comment(String.format(Locale.ROOT, "%.2f ms", (System.nanoTime() - start) / 1_000_000.0))
			.build())));
	}

	@GetMapping("/api/stats")
	public Map<String, Object> stats() {
		DemoMetrics.Snapshot snapshot = this.metrics.snapshot();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", (this.chatModel instanceof SimulatedChatModel) ? "simulated"
				: String.valueOf(this.chatModel.getOptions().getModel()));
		body.put("tiers", (this.cache.isShared()) ? "L1 + L2 (Redis)" : "L1 only");
		body.put("totals", snapshot);
		body.put("callsAvoided", snapshot.callsAvoided());
		body.put("modelCalls", snapshot.modelCalls());
		body.put("hitRatio", snapshot.hitRatio());
		body.put("hitRatioByTier", snapshot.hitRatioByTier());
		body.put("timeline", this.metrics.timeline());
		return body;
	}

	/** Empties the demo's namespaces in every tier (statistics are kept). */
	@PostMapping("/api/cache/clear")
	public Map<String, Object> clear() {
		List<String> namespaces = List.of(AssistantService.NAMESPACE, this.llmCacheAdvisor.getNamespace());
		namespaces.forEach(this.manager::clearNamespace);
		return Map.of("cleared", namespaces);
	}

	private static String tierOf(CallEvent event) {
		if (event == null) {
			return "model";
		}
		return switch (event.outcome()) {
			case L1_HIT -> "L1";
			case L2_HIT -> "L2";
			case SEMANTIC_HIT -> "semantic";
			case COALESCED -> "in-flight";
			default -> "model";
		};
	}

	private static String textOf(ChatClientResponse response) {
		return textOf(response.chatResponse());
	}

	private static String textOf(ChatResponse response) {
		if (response == null || response.getResult() == null) {
			return "";
		}
		String text = response.getResult().getOutput().getText();
		return (text != null) ? text : "";
	}

}
