package dev.llmcache.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmcache.annotation.LlmCached;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new application with the OpenAI starter, {@code llmcache-embedding-onnx} and Redis logs at
 * startup: which embedding model the semantic tier uses and why, and no Redis outage while the
 * offline model loads beside the first Redis commands, with the Quick start's tight timeout.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstStartupTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@Test
	void aRemoteEmbeddingModelChosenOverTheOfflineOneIsNamedWithHowToChoose(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(output).contains("llmcache: the semantic tier embeds with OpenAiEmbeddingModel (bean '")
				.contains("defined by Spring AI's OpenAiEmbeddingAutoConfiguration); llmcache-embedding-onnx is on "
						+ "the class path too, but its offline model backs off when another embedding model is "
						+ "defined, so every semantic lookup of a new text calls this one. To embed offline, set "
						+ "spring.ai.model.embedding=none");
			assertThat(count(output.getOut(), "the semantic tier embeds with")).isEqualTo(1);
		}
	}

	@Test
	void theOfflineModelLoadsBesideRedisWithoutAFalseOutage(CapturedOutput output) {
		List<String> answers = new ArrayList<>();
		try (ConfigurableApplicationContext context = start("--spring.ai.model.embedding=none")) {
			Assistant assistant = context.getBean(Assistant.class);
			for (String question : List.of("What is the capital of France?", "Which city is the capital of France?",
					"How do I reset my password?", "What is the capital of France?")) {
				answers.add(assistant.ask(question));
			}
			assertThat(output).contains("llmcache: the semantic tier embeds with the offline all-MiniLM-L6-v2 model "
					+ "(llmcache-embedding-onnx, in this JVM)")
				.doesNotContain("on the class path too");
			assertThat(redis.command("KEYS", "llmcache:e:*")).as("entries reached Redis").isNotBlank();
		}
		assertThat(answers).hasSize(4);
		assertThat(output).as("no false outage while the model loaded")
			.doesNotContain("Redis is unavailable")
			.doesNotContain("Redis refuses");
	}

	private static int count(String text, String part) {
		return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
	}

	private static ConfigurableApplicationContext start(String... arguments) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.ai.openai.api-key", "test-api-key",
				"spring.ai.openai.base-url", server.baseUrl(), "spring.data.redis.host", redis.host(),
				"spring.data.redis.port", redis.port(), "llmcache.redis.timeout", "100ms"));
		return application.run(arguments);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Assistant.class)
	static class Application {

	}

	static class Assistant {

		private final ChatModel chatModel;

		Assistant(ChatModel chatModel) {
			this.chatModel = chatModel;
		}

		@LlmCached(semantic = true)
		public String ask(String question) {
			return this.chatModel.call(question);
		}

	}

}
