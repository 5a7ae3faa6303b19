package dev.llmcache.docs;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Quick start as a new user would take it: its Java block compiled as written, its YAML as
 * the application's configuration (only the addresses of the servers replaced by the test's own),
 * against the real Spring AI OpenAI client, a mock OpenAI-compatible server and a real Redis.
 */
class QuickStartTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	@TempDir
	Path directory;

	static Snippet quickStart(String language) {
		return Snippet.of("README.md")
			.stream()
			.filter(snippet -> snippet.heading().equals("Quick start") && snippet.language().equals(language))
			.findFirst()
			.orElseThrow(() -> new AssertionError("README.md has no " + language + " block in its Quick start"));
	}

	@Test
	void theQuickStartCachesAndItsEvictionClearsWhatItCached() throws Exception {
		Snippet yaml = quickStart("yaml");
		assertThat(yaml.text()).containsPattern("base-url: \\S+/v1\\s");
		assertThat(server.baseUrl()).endsWith("/v1");
		try (ConfigurableApplicationContext context = start(yaml)) {
			Object assistant = context.getBean(this.assistantType);
			server.reset();
			String first = answer(assistant, "acme", "How do I reset my password?");
			String second = answer(assistant, "acme", "How do I reset my password?");
			assertThat(second).isEqualTo(first);
			assertThat(server.requestCount()).as("model requests after the same question twice").isEqualTo(1);
			answer(assistant, "globex", "How do I reset my password?");
			assertThat(server.requestCount()).as("another tenant shares nothing").isEqualTo(2);
			invoke(assistant, "faqsChanged", new Class<?>[0]);
			answer(assistant, "acme", "How do I reset my password?");
			answer(assistant, "globex", "How do I reset my password?");
			assertThat(server.requestCount()).as("faqsChanged() cleared both tenants' answers").isEqualTo(4);
			answer(assistant, "acme", "How do I reset my password?");
			assertThat(server.requestCount()).isEqualTo(4);

			Prompt prompt = new Prompt("What is Redis?");
			ChatResponse response = (ChatResponse) invoke(assistant, "chat", new Class<?>[] { Prompt.class }, prompt);
			ChatResponse cached = (ChatResponse) invoke(assistant, "chat", new Class<?>[] { Prompt.class }, prompt);
			assertThat(cached.getResult().getOutput().getText()).isEqualTo(response.getResult().getOutput().getText());
			assertThat(server.requestCount()).as("the whole Prompt is the key").isEqualTo(5);
			assertThat(redis.command("KEYS", "llmcache:e:*")).as("entries reached Redis (L2)").isNotBlank();
		}
	}

	@Test
	void compiledWithoutParameterNamesTheQuickStartStopsAtStartupSayingHowToFixIt() {
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> start(quickStart("yaml"), false).close())
			.havingRootCause()
			.withMessageContaining("partition = \"#tenant\" on ")
			.withMessageContaining(".SupportAssistant.answer(String,String) refers to #tenant, but the parameter "
					+ "names of this method are not available: its class was compiled without -parameters")
			.withMessageContaining("or refer to arguments by position (#p0 or #a0 for the first)");
	}

	private Class<?> assistantType;

	private ConfigurableApplicationContext start(Snippet yaml) throws Exception {
		return start(yaml, true);
	}

	private ConfigurableApplicationContext start(Snippet yaml, boolean parameterNames) throws Exception {
		Snippet java = quickStart("java");
		Path classes = this.directory.resolve("classes");
		assertThat(SnippetCompiler.compile(List.of(java), classes, parameterNames)).isEmpty();
		URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				QuickStartTests.class.getClassLoader());
		this.assistantType = loader.loadClass(SnippetCompiler.packageOf(java) + ".SupportAssistant");
		Path configuration = this.directory.resolve("application.yml");
		Files.writeString(configuration, yaml.text());

		SpringApplication application = new SpringApplication(new DefaultResourceLoader(loader), Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addInitializers(context -> ((GenericApplicationContext) context).registerBean(this.assistantType));
		application.setDefaultProperties(Map.of("OPENAI_API_KEY", "test-api-key"));
		return application.run("--spring.config.location=file:" + configuration.toAbsolutePath(),
				// Only the addresses differ from the Quick start: the test's own servers.
				"--spring.ai.openai.base-url=" + server.baseUrl(), "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port());
	}

	private static String answer(Object assistant, String tenant, String question) throws Exception {
		return (String) invoke(assistant, "answer", new Class<?>[] { String.class, String.class }, tenant, question);
	}

	private static Object invoke(Object target, String name, Class<?>[] types, Object... args) throws Exception {
		return target.getClass().getMethod(name, types).invoke(target, args);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
