package dev.llmcache.sample;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.Outcome;
import dev.llmcache.tier.TieredCache;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Plays a short scripted workload at startup and prints what the cache did: repeated questions,
 * trivially different wordings (normalized), near-misses that must not hit, concurrent duplicates,
 * the advisor path (call and stream) and paraphrases (answered by the semantic tier).
 */
@Component
public class WorkloadRunner implements ApplicationRunner {

	static final List<String> QUESTIONS = List.of("What is the capital of France?", "What is Redis?",
			"How do I reset my password?", "Convert 10 km to miles");

	static final List<String> NORMALIZED = List.of("What   is Redis?", "  How do I reset my password?  ");

	/**
	 * Questions that look like earlier ones but mean something else (Spain for France, miles for km):
	 * each must be a miss, although they embed close to the originals. The semantic tier's guards
	 * keep them apart (entity, direction).
	 */
	static final List<String> NEAR_MISSES = List.of("What is the capital of Spain?", "Convert 10 miles to km");

	/** Same meaning, other words: answered from cache by the semantic tier (AssistantService#ask). */
	static final List<String> PARAPHRASES = List.of("Which city is the capital of France?",
			"I forgot my password, how can I reset it?");

	static final String CONCURRENT = "What happens when eight users ask the same thing at once?";

	static final String VIA_ADVISOR = "What does llmcache do?";

	private final AssistantService assistant;

	private final AdvisorAssistant advisor;

	private final DemoMetrics metrics;

	private final DemoProperties properties;

	private final ChatModel chatModel;

	private final TieredCache cache;

	private final Environment environment;

	// Read at each use: tests (and tools) may replace System.out after startup.
	private static PrintStream out() {
		return System.out;
	}

	public WorkloadRunner(AssistantService assistant, AdvisorAssistant advisor, DemoMetrics metrics,
			DemoProperties properties, ChatModel chatModel, TieredCache cache, Environment environment) {
		this.assistant = assistant;
		this.advisor = advisor;
		this.metrics = metrics;
		this.properties = properties;
		this.chatModel = chatModel;
		this.cache = cache;
		this.environment = environment;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		if (this.properties.isWorkload()) {
			play();
		}
		String port = this.environment.getProperty("local.server.port");
		if (port != null && !this.properties.isExitAfterWorkload()) {
			out().println("Dashboard: http://localhost:" + port + "/   (Ctrl+C to stop)");
		}
	}

	/** Plays the workload and prints the table; returns the lines of the step report. */
	public List<String> play() throws Exception {
		out().println();
		out().println("llmcache chat-demo: scripted workload on " + describeModel() + ", "
				+ ((this.cache.isShared()) ? "L1 + L2 (Redis)" : "L1 only (no Redis configured)"));
		DemoMetrics.Snapshot before = this.metrics.snapshot();
		List<String> report = new ArrayList<>();

		List<Outcome> firstRound = new ArrayList<>();
		List<Outcome> repeated = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			for (String question : QUESTIONS) {
				Outcome outcome = outcome(ask(question));
				repeated.add(outcome);
				if (round == 0) {
					firstRound.add(outcome);
				}
			}
		}
		long earlier = firstRound.stream().filter(o -> o == Outcome.L2_HIT).count();
		report.add(String.format("1. repeated questions: %d questions x 3 rounds -> %d answered from cache%s",
				QUESTIONS.size(), hits(repeated), (earlier == 0) ? ""
						: String.format(" (%d of the first %d from Redis, stored by an earlier run: shared by every "
								+ "instance and restart)", earlier, QUESTIONS.size())));

		List<Outcome> normalized = new ArrayList<>();
		for (String question : NORMALIZED) {
			normalized.add(outcome(ask(question)));
		}
		report.add(String.format("2. same words, other spacing: %d of %d answered from cache (normalized keys)",
				hits(normalized), NORMALIZED.size()));

		// A near-miss is answered wrongly only by another question's answer: a semantic hit. An exact
		// hit (L1, L2) is its own answer, stored when this or an earlier run asked it: right.
		List<Outcome> nearMisses = new ArrayList<>();
		for (String question : NEAR_MISSES) {
			nearMisses.add(outcome(ask(question)));
		}
		long wrong = nearMisses.stream().filter(o -> o == Outcome.SEMANTIC_HIT).count();
		long own = hits(nearMisses) - wrong;
		report.add(String.format("3. near-misses (Spain for France, miles for km): %d of %d answered with another "
				+ "question's answer%s%s", wrong, NEAR_MISSES.size(),
				(own == 0) ? "" : String.format(", %d with its own earlier answer", own),
				(wrong == 0) ? " (correct)" : "  <-- WRONG"));

		List<Outcome> concurrent = concurrently(8, () -> outcome(this.metrics.observe(() -> this.assistant.ask(CONCURRENT))));
		long coalesced = concurrent.stream().filter(o -> o == Outcome.COALESCED).count();
		long made = concurrent.stream().filter(o -> o == Outcome.MISS).count();
		report.add((made == 0 && coalesced == 0)
				? String.format("4. 8 concurrent identical questions: %d answered from cache (stored by an earlier run), "
						+ "no model call", hits(concurrent))
				: String.format("4. 8 concurrent identical questions: %d model call, %d waited for it (single-flight)%s",
						made, coalesced, (hits(concurrent) > coalesced) ? String.format(
								", %d came after it and were answered from cache", hits(concurrent) - coalesced) : ""));

		int advised = 0;
		advised += isHit(this.metrics.observe(() -> this.advisor.ask(VIA_ADVISOR)).event()) ? 1 : 0;
		advised += isHit(this.metrics.observe(() -> this.advisor.ask(VIA_ADVISOR)).event()) ? 1 : 0;
		String streamed = String.join("", this.advisor.stream(VIA_ADVISOR)
			.map(response -> (response.chatResponse() != null && response.chatResponse().getResult() != null)
					? String.valueOf(response.chatResponse().getResult().getOutput().getText()) : "")
			.collectList()
			.block());
		report.add(String.format("5. ChatClient advisor: call, call, stream of one question -> %d of 2 calls from cache, "
				+ "stream replayed (%d chars)", advised, streamed.length()));

		List<Outcome> paraphrases = new ArrayList<>();
		for (String question : PARAPHRASES) {
			paraphrases.add(outcome(ask(question)));
		}
		long semantic = paraphrases.stream().filter(o -> o == Outcome.SEMANTIC_HIT).count();
		report.add(String.format("6. paraphrases (other words, same meaning): %d of %d answered from cache (%s)",
				hits(paraphrases), PARAPHRASES.size(), (semantic == hits(paraphrases)) ? "semantic tier"
						: semantic + " by the semantic tier, " + (hits(paraphrases) - semantic)
								+ " stored for them by an earlier run"));

		DemoMetrics.Snapshot after = this.metrics.snapshot();
		report.forEach(out()::println);
		printTable(before, after);
		return report;
	}

	private CallEvent ask(String question) {
		return this.metrics.observe(() -> this.assistant.ask(question)).event();
	}

	private static Outcome outcome(CallEvent event) {
		return (event != null) ? event.outcome() : Outcome.BYPASS;
	}

	private static long hits(List<Outcome> outcomes) {
		return outcomes.stream().filter(Outcome::isHit).count();
	}

	private static Outcome outcome(DemoMetrics.Observed<ChatResponse> observed) {
		return (observed.event() != null) ? observed.event().outcome() : Outcome.BYPASS;
	}

	private static boolean isHit(CallEvent event) {
		return event != null && event.outcome().isHit();
	}

	private void printTable(DemoMetrics.Snapshot before, DemoMetrics.Snapshot after) {
		List<String[]> rows = new ArrayList<>();
		rows.add(row("model calls made", after.modelCalls() - before.modelCalls()));
		rows.add(row("model calls avoided", after.callsAvoided() - before.callsAvoided()));
		rows.add(row("  L1 hits (in-process)", after.l1Hits() - before.l1Hits()));
		rows.add(row("  L2 hits (Redis)", after.l2Hits() - before.l2Hits()));
		rows.add(row("  semantic hits", after.semanticHits() - before.semanticHits()));
		rows.add(row("  coalesced (waited in flight)", after.coalesced() - before.coalesced()));
		rows.add(new String[] { "hit latency p50 / p99",
				millis(after.hitP50Millis()) + " / " + millis(after.hitP99Millis()) });
		rows.add(new String[] { "miss latency p50 / p99",
				millis(after.missP50Millis()) + " / " + millis(after.missP99Millis()) });
		rows.add(new String[] { "tokens saved (input + output)",
				(after.inputTokensSaved() - before.inputTokensSaved()) + " + "
						+ (after.outputTokensSaved() - before.outputTokensSaved()) });
		rows.add(new String[] { "dollars saved", String.format(Locale.ROOT, "$%.6f (at $%.2f / $%.2f per M tokens)",
				after.dollarsSaved() - before.dollarsSaved(), this.properties.getInputPricePerMillion(),
				this.properties.getOutputPricePerMillion()) });
		int left = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
		int right = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
		String rule = "+" + "-".repeat(left + 2) + "+" + "-".repeat(right + 2) + "+";
		out().println(rule);
		for (String[] row : rows) {
			out().println("| " + pad(row[0], left) + " | " + " ".repeat(right - row[1].length()) + row[1] + " |");
		}
		out().println(rule);
	}

	private static String[] row(String label, long value) {
		return new String[] { label, String.valueOf(value) };
	}

	private static String millis(double millis) {
		return (millis < 10) ? String.format(Locale.ROOT, "%.2f ms", millis)
				: String.format(Locale.ROOT, "%.0f ms", millis);
	}

	private static String pad(String text, int width) {
		return text + " ".repeat(width - text.length());
	}

	private String describeModel() {
		if (this.chatModel instanceof SimulatedChatModel simulated) {
			return "the SIMULATED model (" + simulated.latency().toMillis() + " ms per call)";
		}
		String model = this.chatModel.getOptions().getModel();
		return this.chatModel.getClass().getSimpleName() + ((model != null) ? " (" + model + ")" : "");
	}

	private static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
