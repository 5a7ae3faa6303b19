package dev.llmcache.warmup;

/**
 * An entry a warm-up could not make.
 *
 * @param source where the entry came from ({@code warmup.jsonl:3})
 * @param reason why (an exception type and message, or what is wrong with the entry)
 */
public record WarmupFailure(String source, String reason) {
}
