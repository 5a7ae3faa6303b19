package dev.llmcache.warmup;

import java.util.List;

/**
 * One call a warm-up makes: {@code bean.method(args)}, where the method is {@code @LlmCached}.
 *
 * @param source where the entry came from ({@code warmup.jsonl:3}), for reports; never the prompt
 * @param bean the bean name
 * @param method the method name
 * @param args the arguments as JSON gives them (strings, numbers, booleans, lists, maps), converted
 * to the method's parameter types when the call is made
 */
public record WarmupEntry(String source, String bean, String method, List<?> args) {

	public WarmupEntry {
		args = List.copyOf(args);
	}

}
