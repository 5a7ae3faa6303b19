package dev.llmcache.semantic;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * A {@link SemanticHitVerifier} that asks a chat model (a cheap one, named by the application)
 * whether two requests can share one answer, for the candidates the embedding places in the grey
 * band: at or above the tier's threshold (the tier only calls a verifier there) and below
 * {@code confident}. A candidate at or above {@code confident} is accepted without asking.
 *
 * <p>Verdicts are kept by (request, cached) pair, so a pair is judged once while it stays in the
 * verdict cache. An answer that is neither "yes" nor "no", or a failed call, rejects the candidate
 * (the tier then calls the model for the request: slower, never wrong) and is not kept, so the
 * pair is asked again next time. Every outcome is counted: {@link #counts()}.
 *
 * <p>The judge's call is made on the caller's thread, inside the semantic lookup: a verifier adds
 * the judge's latency to every grey-band lookup whose verdict is not cached yet.
 *
 * <p>Thread-safe.
 */
public final class ChatModelHitVerifier implements SemanticHitVerifier {

	/** The judge's instructions (the system message). */
	public static final String INSTRUCTIONS = """
			You decide whether a cached answer may be reused. Two requests were sent to an assistant. \
			Answer YES if one correct, complete answer to request A is also a correct, complete answer to \
			request B: they ask the same thing, in other words. Answer NO if they differ in anything that \
			changes the answer: a number, a name, a negation, an opposite, the direction of a conversion or \
			comparison, the action asked for, the property asked about, or the requested form (tone, length, \
			language, audience, format). Reply with one word: YES or NO.""";

	private final ChatModel chatModel;

	private final @Nullable ChatOptions options;

	private final double confident;

	private final Cache<Pair, Boolean> verdicts;

	private final LongAdder confidentCount = new LongAdder();

	private final LongAdder remembered = new LongAdder();

	private final LongAdder accepted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder failed = new LongAdder();

	/**
	 * @param chatModel the judge
	 * @param options options of the judge's calls (its model, for one), or null for the model's defaults
	 * @param confident similarity from which a candidate is accepted without asking, in (0, 1]
	 * @param maxVerdicts how many verdicts are kept
	 */
	public ChatModelHitVerifier(ChatModel chatModel, @Nullable ChatOptions options, double confident,
			long maxVerdicts) {
		if (!(confident > 0 && confident <= 1)) {
			throw new IllegalArgumentException("llmcache: the verifier's confident similarity must be in (0, 1], was "
					+ confident);
		}
		if (maxVerdicts < 0) {
			throw new IllegalArgumentException("llmcache: the verifier's verdict cache size must be >= 0, was "
					+ maxVerdicts);
		}
		this.chatModel = chatModel;
		this.options = options;
		this.confident = confident;
		this.verdicts = Caffeine.newBuilder().maximumSize(maxVerdicts).build();
	}

	@Override
	public boolean accepts(String request, String cached, double similarity) {
		if (similarity >= this.confident) {
			this.confidentCount.increment();
			return true;
		}
		Pair pair = new Pair(request, cached);
		Boolean verdict = this.verdicts.getIfPresent(pair);
		if (verdict != null) {
			this.remembered.increment();
			return verdict;
		}
		Boolean judged;
		try {
			judged = judge(request, cached);
		}
		catch (RuntimeException ex) {
			this.failed.increment();
			return false;
		}
		if (judged == null) {
			this.failed.increment();
			return false;
		}
		this.verdicts.put(pair, judged);
		(judged ? this.accepted : this.rejected).increment();
		return judged;
	}

	private @Nullable Boolean judge(String request, String cached) {
		String question = "Request A: " + cached + "\nRequest B: " + request;
		Prompt prompt = new Prompt(List.of(new SystemMessage(INSTRUCTIONS), new UserMessage(question)), this.options);
		ChatResponse response = this.chatModel.call(prompt);
		String text = (response != null && response.getResult() != null)
				? response.getResult().getOutput().getText() : null;
		return parse(text);
	}

	/** "YES" / "no." / " Yes, they ask the same" : true or false; anything else: null. */
	static @Nullable Boolean parse(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String word = text.strip().toLowerCase(Locale.ROOT);
		if (word.startsWith("yes")) {
			return true;
		}
		if (word.startsWith("no")) {
			return false;
		}
		return null;
	}

	/** What the verifier has decided so far. */
	public Counts counts() {
		return new Counts(this.confidentCount.sum(), this.remembered.sum(), this.accepted.sum(), this.rejected.sum(),
				this.failed.sum());
	}

	/**
	 * @param confident accepted without asking (similarity at or above the confident level)
	 * @param remembered decided by a kept verdict
	 * @param accepted asked, and the judge said yes
	 * @param rejected asked, and the judge said no
	 * @param failed asked, and the call failed or the answer was neither yes nor no (rejected)
	 */
	public record Counts(long confident, long remembered, long accepted, long rejected, long failed) {

		/** How many times the judge was called. */
		public long asked() {
			return this.accepted + this.rejected + this.failed;
		}

	}

	private record Pair(String request, String cached) {
	}

}
