package dev.llmcache.advisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.openai.errors.OpenAIIoException;
import dev.llmcache.codec.JsonLlmCacheSerializer;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.engine.CallEvent;
import dev.llmcache.engine.FlightSettings;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.engine.LoggingLlmCacheErrorHandler;
import dev.llmcache.engine.Outcome;
import dev.llmcache.key.DefaultLlmCacheKeyGenerator;
import dev.llmcache.key.PromptNormalizer;
import dev.llmcache.policy.CacheabilityPolicy;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.OpenAiTestModels;
import dev.llmcache.test.RealParts;
import dev.llmcache.tier.LocalTier;
import dev.llmcache.tier.TieredCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LlmCacheAdvisor} with the real Spring AI OpenAI client against the counting mock server,
 * for {@code call()} and {@code stream()}. A hit is proven by the request count not moving.
 */
class LlmCacheAdvisorTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private final List<CallEvent> events = Collections.synchronizedList(new ArrayList<>());

	private LlmCacheEngine engine;

	private ChatClient chat;

	@BeforeEach
	void setUp() {
		this.engine = new LlmCacheEngine(
				new TieredCache(new LocalTier(16 * 1024 * 1024), null, new JsonLlmCacheSerializer(), 0),
				CacheabilityPolicy.defaults(), new LoggingLlmCacheErrorHandler(), FlightSettings.defaults(),
				this.events::add);
		LlmCacheAdvisor advisor = LlmCacheAdvisor
			.builder(this.engine, new DefaultLlmCacheKeyGenerator(PromptNormalizer.builder().build()))
			.build();
		this.chat = ChatClient.builder(OpenAiTestModels.chatModel(server)).defaultAdvisors(advisor).build();
	}

	@Test
	void secondIdenticalCallIsAnsweredFromCache() {
		String first = this.chat.prompt().user("What is the capital of France?").call().content();
		String second = this.chat.prompt().user("What is the capital of France?").call().content();
		assertThat(first).isEqualTo(MockOpenAiServer.expectedAnswer("What is the capital of France?"));
		assertThat(second).isEqualTo(first);
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L1_HIT);
		assertThat(this.events.get(0).namespace()).isEqualTo(LlmCacheAdvisor.DEFAULT_NAMESPACE);
		assertThat(this.chat.prompt().user("What is the capital of France?").call().chatClientResponse().context())
			.containsEntry(LlmCacheAdvisor.CACHED, true);
		assertThat(this.chat.prompt().user("What is the capital of Spain?").call().chatClientResponse().context())
			.doesNotContainKey(LlmCacheAdvisor.CACHED);
	}

	@Test
	void aHitKeepsFinishReasonAndUsage() {
		ChatResponse first = this.chat.prompt().user("Name a prime.").call().chatResponse();
		ChatResponse second = this.chat.prompt().user("Name a prime.").call().chatResponse();
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(second.getResult().getMetadata().getFinishReason())
			.isEqualTo(first.getResult().getMetadata().getFinishReason());
		assertThat(second.getMetadata().getUsage().getPromptTokens())
			.isEqualTo(first.getMetadata().getUsage().getPromptTokens())
			.isPositive();
		assertThat(this.events.get(1).entry().usage().outputTokens())
			.isEqualTo(first.getMetadata().getUsage().getCompletionTokens().longValue());
	}

	@Test
	void differentSystemPromptsAndPartitionsDoNotShareEntries() {
		this.chat.prompt().user("Where is Lyon?").call().content();
		this.chat.prompt().system("Answer in French.").user("Where is Lyon?").call().content();
		assertThat(server.requestCount()).isEqualTo(2);
		this.chat.prompt().user("Where is Lyon?").advisors(a -> a.param(LlmCacheAdvisor.PARTITION, "tenant-a")).call().content();
		this.chat.prompt().user("Where is Lyon?").advisors(a -> a.param(LlmCacheAdvisor.PARTITION, "tenant-b")).call().content();
		assertThat(server.requestCount()).isEqualTo(4);
		this.chat.prompt().user("Where is Lyon?").advisors(a -> a.param(LlmCacheAdvisor.PARTITION, "tenant-a")).call().content();
		assertThat(server.requestCount()).isEqualTo(4);
	}

	@Test
	void aHighTemperatureBypassesTheCache() {
		this.chat.prompt().user("Tell me a joke.").options(OpenAiChatOptions.builder().temperature(0.9)).call().content();
		this.chat.prompt().user("Tell me a joke.").options(OpenAiChatOptions.builder().temperature(0.9)).call().content();
		assertThat(server.requestCount()).isEqualTo(2);
		assertThat(outcomes()).containsExactly(Outcome.BYPASS, Outcome.BYPASS);
	}

	@Test
	void aTruncatedAnswerIsNotStored() {
		server.setFinishReason("length");
		this.chat.prompt().user("Write an essay.").call().content();
		this.chat.prompt().user("Write an essay.").call().content();
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void aModelFailurePropagatesUnchangedAndIsNotCached() {
		server.failNextRequests(1, 500);
		assertThatThrownBy(() -> this.chat.prompt().user("Is it up?").call().content())
			.hasMessageContaining("Mock OpenAI failure (HTTP 500)");
		assertThat(this.chat.prompt().user("Is it up?").call().content())
			.isEqualTo(MockOpenAiServer.expectedAnswer("Is it up?"));
		assertThat(server.requestCount()).isEqualTo(2);
		assertThat(outcomes()).containsExactly(Outcome.ERROR, Outcome.MISS);
	}

	@Test
	void concurrentIdenticalCallsMakeOneModelCall() throws Exception {
		server.setDelay(Duration.ofMillis(300));
		List<String> answers = runConcurrently(8, () -> this.chat.prompt().user("Busy question").call().content());
		assertThat(answers).hasSize(8).containsOnly(MockOpenAiServer.expectedAnswer("Busy question"));
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(outcomes()).containsOnlyOnce(Outcome.MISS).contains(Outcome.COALESCED);
	}

	@Test
	void aStreamedMissPassesChunksThroughAndAHitReplaysTheWholeAnswer() {
		String expected = MockOpenAiServer.expectedAnswer("Stream me a poem.");
		List<String> live = this.chat.prompt().user("Stream me a poem.").stream().content().collectList().block();
		assertThat(live).hasSizeGreaterThan(1);
		assertThat(String.join("", live)).isEqualTo(expected);
		List<String> replayed = this.chat.prompt().user("Stream me a poem.").stream().content().collectList().block();
		assertThat(replayed).containsExactly(expected);
		assertThat(this.chat.prompt().user("Stream me a poem.").stream().chatClientResponse().blockLast().context())
			.containsEntry(LlmCacheAdvisor.CACHED, true);
		assertThat(server.requestCount()).isEqualTo(1);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.L1_HIT, Outcome.L1_HIT);
	}

	@Test
	void callsAndStreamsShareEntries() {
		String streamed = String.join("",
				this.chat.prompt().user("Shared question").stream().content().collectList().block());
		String called = this.chat.prompt().user("Shared question").call().content();
		assertThat(called).isEqualTo(streamed);
		assertThat(server.requestCount()).isEqualTo(1);
		ChatResponse aggregated = this.chat.prompt().user("Shared question").call().chatResponse();
		assertThat(aggregated.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
		assertThat(aggregated.getMetadata().getUsage().getCompletionTokens()).isPositive();
	}

	@Test
	void aStreamThatFailsStoresNothing() {
		server.failStreamAfterChunks(2);
		assertThatThrownBy(() -> this.chat.prompt().user("Break off.").stream().content().collectList().block())
			.isInstanceOf(OpenAIIoException.class)
			.hasMessage("Stream failed");
		server.failStreamAfterChunks(-1);
		String full = String.join("", this.chat.prompt().user("Break off.").stream().content().collectList().block());
		assertThat(full).isEqualTo(MockOpenAiServer.expectedAnswer("Break off."));
		assertThat(server.requestCount()).isEqualTo(2);
		assertThat(outcomes()).containsExactly(Outcome.ERROR, Outcome.MISS);
		this.chat.prompt().user("Break off.").stream().content().collectList().block();
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void aTruncatedStreamIsNotStored() {
		server.setFinishReason("length");
		this.chat.prompt().user("Long stream").stream().content().collectList().block();
		this.chat.prompt().user("Long stream").stream().content().collectList().block();
		assertThat(server.requestCount()).isEqualTo(2);
		assertThat(outcomes()).containsExactly(Outcome.MISS, Outcome.MISS);
		assertThat(this.events.get(0).entry()).isNull();
	}

	@Test
	void aCancelledStreamStoresNothing() {
		server.setChunkDelay(Duration.ofMillis(50));
		List<String> first = this.chat.prompt().user("Cancel me.").stream().content().take(1).collectList().block();
		assertThat(first).hasSize(1);
		server.setChunkDelay(Duration.ofMillis(5));
		String full = String.join("", this.chat.prompt().user("Cancel me.").stream().content().collectList().block());
		assertThat(full).isEqualTo(MockOpenAiServer.expectedAnswer("Cancel me."));
		assertThat(server.requestCount()).isEqualTo(2);
	}

	@Test
	void theCallersCacheControlAppliesToStreams() throws Exception {
		this.chat.prompt().user("Fresh, please.").stream().content().collectList().block();
		LlmCacheControl.noCache().call(() -> this.chat.prompt().user("Fresh, please.").stream().content().collectList().block());
		assertThat(server.requestCount()).isEqualTo(2);
		this.chat.prompt().user("Fresh, please.").stream().content().collectList().block();
		assertThat(server.requestCount()).isEqualTo(2);
	}

	private List<Outcome> outcomes() {
		synchronized (this.events) {
			return this.events.stream().map(CallEvent::outcome).toList();
		}
	}

	private static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(task));
			}
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
