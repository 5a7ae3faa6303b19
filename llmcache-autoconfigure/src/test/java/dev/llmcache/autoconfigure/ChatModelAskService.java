package dev.llmcache.autoconfigure;

import java.util.List;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

/** Calls the model on every invocation; the cache is all that keeps requests from the server. */
public class ChatModelAskService implements AskService {

	private final ChatModel chatModel;

	public ChatModelAskService(ChatModel chatModel) {
		this.chatModel = chatModel;
	}

	@Override
	public String ask(String question) {
		return this.chatModel.call(question);
	}

	@Override
	public ChatResponse chat(Prompt prompt) {
		return this.chatModel.call(prompt);
	}

	@Override
	public String askAs(String user, String question) {
		return this.chatModel.call(question);
	}

	@Override
	public String faq(String question) {
		return this.chatModel.call(question);
	}

	@Override
	public void forgetFaq(String question) {
	}

	@Override
	public void forgetAllFaqs() {
	}

	@Override
	public String shortLived(String question) {
		return this.chatModel.call(question);
	}

	@Override
	public String conditional(String question, boolean useCache) {
		return this.chatModel.call(question);
	}

	@Override
	public ChatResponse warm(Prompt prompt) {
		return this.chatModel.call(prompt);
	}

	@Override
	public Recipe recipe(String dish) {
		String answer = ChatClient.create(this.chatModel).prompt().user("Recipe for " + dish).call().content();
		return new Recipe(dish, List.of(answer, "serve"));
	}

}
