package dev.llmcache.benchmarks;

import java.util.List;
import java.util.SplittableRandom;

import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

/** Deterministic prompt-like text: words, punctuation and the odd hyphen, as users write. */
final class Prompts {

	private static final String[] WORDS = { "the", "customer", "asks", "whether", "their", "order", "can", "be",
			"shipped", "to", "a", "different", "address", "and", "how", "long", "refund", "takes", "please",
			"explain", "policy", "in", "two", "sentences", "follow-up", "account", "invoice", "with", "support",
			"warranty", "product", "return", "of", "is", "for", "on", "we", "you", "summarize", "question" };

	static final String SYSTEM = "You are a concise support assistant for an online shop. Answer in the "
			+ "customer's language, in at most three sentences, and never invent order numbers.";

	private Prompts() {
	}

	/** About {@code length} characters of text (exactly that many), the same for the same seed. */
	static String text(int length, long seed) {
		SplittableRandom random = new SplittableRandom(seed);
		StringBuilder text = new StringBuilder(length + 16);
		while (text.length() < length) {
			if (text.length() > 0) {
				text.append(random.nextInt(12) == 0 ? ". " : " ");
			}
			text.append(WORDS[random.nextInt(WORDS.length)]);
		}
		text.setLength(length);
		// Normalization trims trailing whitespace; a prompt that needs no rewriting is the usual case.
		if (Character.isWhitespace(text.charAt(length - 1))) {
			text.setCharAt(length - 1, 'x');
		}
		return text.toString();
	}

	/** A system message and a user message of about {@code userLength} characters. */
	static Prompt prompt(int userLength, long seed) {
		return new Prompt(List.of(new SystemMessage(SYSTEM), new UserMessage(text(userLength, seed))));
	}

}
