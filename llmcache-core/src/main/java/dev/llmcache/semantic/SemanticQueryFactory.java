package dev.llmcache.semantic;

import java.util.ArrayList;
import java.util.List;

import dev.llmcache.engine.SemanticQuery;
import dev.llmcache.key.KeyArgument;
import dev.llmcache.key.KeyRequest;
import dev.llmcache.key.LlmCacheKeyGenerator;
import dev.llmcache.key.PromptNormalizer;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Splits a request into what the semantic tier compares (the text of the last user message) and
 * everything else, which must match exactly: the bucket is the key of the same request with that
 * text replaced by a placeholder, so it covers namespace, partition, system prompt, earlier
 * history, model, options, tools and every other argument.
 *
 * <p>The user message is the last user message of the last {@code Prompt} argument or, without
 * one, the last {@code CharSequence} argument. A request with neither has no semantic query.
 *
 * <p>Thread-safe.
 */
public final class SemanticQueryFactory {

	/** Default similarity threshold, chosen on the evaluation set (eval/pairs.jsonl, docs/semantic.md). */
	public static final double DEFAULT_THRESHOLD = 0.85;

	/** Default number of candidates checked against the guards. */
	public static final int DEFAULT_CANDIDATES = 5;

	// Cannot be typed by a user, so a real text never shares a bucket hash with a placeholder.
	private static final String PLACEHOLDER = "\u0000llmcache:semantic-text\u0000";

	private final LlmCacheKeyGenerator keyGenerator;

	private final PromptNormalizer normalizer;

	private final double threshold;

	private final int candidates;

	/**
	 * @param keyGenerator the generator of exact keys, which also fingerprints buckets
	 * @param normalizer applied to the compared text when the operation normalizes
	 * @param threshold default cosine similarity in [0, 1]
	 * @param candidates default number of candidates checked
	 */
	public SemanticQueryFactory(LlmCacheKeyGenerator keyGenerator, PromptNormalizer normalizer, double threshold,
			int candidates) {
		checkThreshold(threshold, "llmcache.semantic.threshold");
		if (candidates < 1) {
			throw new IllegalArgumentException("llmcache.semantic.candidates must be at least 1, got " + candidates);
		}
		this.keyGenerator = keyGenerator;
		this.normalizer = normalizer;
		this.threshold = threshold;
		this.candidates = candidates;
	}

	static void checkThreshold(double threshold, String name) {
		if (!(threshold >= 0 && threshold <= 1)) {
			throw new IllegalArgumentException(
					name + " must be a cosine similarity in [0, 1], got " + threshold);
		}
	}

	public double threshold() {
		return this.threshold;
	}

	public int candidates() {
		return this.candidates;
	}

	/**
	 * @param request the request the exact key was built from
	 * @param threshold the operation's threshold, or negative for the default
	 * @param candidates the operation's candidate count, or less than 1 for the default
	 * @return the query, or null when the request has no user text to compare
	 */
	public @Nullable SemanticQuery queryFor(KeyRequest request, double threshold, int candidates) {
		List<KeyArgument> arguments = request.arguments();
		for (int i = arguments.size() - 1; i >= 0; i--) {
			Object value = arguments.get(i).value();
			String text = null;
			Object replaced = null;
			if (value instanceof Prompt prompt) {
				List<Message> messages = new ArrayList<>(prompt.getInstructions());
				for (int m = messages.size() - 1; m >= 0 && text == null; m--) {
					if (messages.get(m) instanceof UserMessage user) {
						text = (user.getText() != null) ? user.getText() : "";
						messages.set(m, user.mutate().text(PLACEHOLDER).build());
					}
				}
				if (text == null) {
					continue;
				}
				replaced = new Prompt(messages, prompt.getOptions());
			}
			else if (value instanceof CharSequence sequence) {
				text = sequence.toString();
				replaced = PLACEHOLDER;
			}
			else {
				continue;
			}
			List<KeyArgument> rest = new ArrayList<>(arguments);
			rest.set(i, new KeyArgument(arguments.get(i).name(), replaced));
			// The model is part of the bucket: entries shared through the stream by an instance
			// configured with another model must never answer this one.
			String bucket = this.keyGenerator.generate(new KeyRequest(request.namespace(), request.partition(),
					request.normalize(), false, request.model(), request.method(), rest)).hash();
			String compared = request.normalize() ? this.normalizer.normalize(text) : text;
			return new SemanticQuery(bucket, compared, (threshold >= 0) ? threshold : this.threshold,
					(candidates >= 1) ? candidates : this.candidates);
		}
		return null;
	}

}
