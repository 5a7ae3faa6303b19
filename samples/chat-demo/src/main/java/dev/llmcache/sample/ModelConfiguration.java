package dev.llmcache.sample;

import dev.llmcache.advisor.LlmCacheAdvisor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The chat model and the two chat clients of the demo. With {@code spring.ai.model.chat=simulated}
 * (the default profile) the model is the offline {@link SimulatedChatModel}; the profiles
 * {@code openai} and {@code ollama} set it to {@code openai} so Spring AI's OpenAI auto-configuration
 * provides the real one.
 */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

	private static final Log logger = LogFactory.getLog(ModelConfiguration.class);

	@Bean
	@ConditionalOnProperty(name = "spring.ai.model.chat", havingValue = "simulated")
	SimulatedChatModel simulatedChatModel(DemoProperties properties) {
		logger.info("Chat model: SIMULATED (offline, deterministic, " + properties.getSimulatedLatency().toMillis()
				+ " ms per call); answers do not come from a real model. Use the profile 'openai' or 'ollama' for one.");
		return new SimulatedChatModel(properties.getSimulatedLatency());
	}

	/** A plain client, for the @LlmCached service: the annotation does the caching. */
	@Bean
	ChatClient plainChatClient(ChatModel chatModel) {
		return ChatClient.builder(chatModel).build();
	}

	/** A client that caches through the advisor, with no annotation anywhere. */
	@Bean
	ChatClient cachingChatClient(ChatModel chatModel, LlmCacheAdvisor llmCacheAdvisor) {
		return ChatClient.builder(chatModel).defaultAdvisors(llmCacheAdvisor).build();
	}

}
