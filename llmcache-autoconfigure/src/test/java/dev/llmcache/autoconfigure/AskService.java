package dev.llmcache.autoconfigure;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The kind of service an application annotates: its methods call a real Spring AI chat model.
 * Annotated on the interface so that both JDK and CGLIB proxies are exercised.
 */
public interface AskService {

	@LlmCached
	String ask(String question);

	@LlmCached
	ChatResponse chat(Prompt prompt);

	@LlmCached(partition = "#user")
	String askAs(String user, String question);

	@LlmCached(namespace = "faq")
	String faq(String question);

	@LlmCacheEvict(namespace = "faq")
	void forgetFaq(String question);

	@LlmCacheEvict(namespace = "faq", allEntries = true)
	void forgetAllFaqs();

	@LlmCached(ttl = "PT1S")
	String shortLived(String question);

	@LlmCached(key = "#question", condition = "#useCache", unless = "#result.contains('volatile')")
	String conditional(String question, boolean useCache);

	@LlmCached(maxTemperature = 1.0)
	ChatResponse warm(Prompt prompt);

	@LlmCached
	Recipe recipe(String dish);

	/** Structured output, as ChatClient's entity() gives it. */
	record Recipe(String dish, java.util.List<String> steps) {
	}

}
