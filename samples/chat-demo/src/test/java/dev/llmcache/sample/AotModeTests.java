package dev.llmcache.sample;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aot.AotDetector;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo started from the code Spring AOT generated for it ({@code spring-boot:process-aot}), on
 * the JVM, plays its workload as it does without AOT: the runtime hints and the bean definitions
 * generated at build time are enough. Runs in the {@code aot} profile, which processes the sample
 * before the tests: {@code mvn -Paot -pl samples/chat-demo -am verify -Dtest=AotModeTests
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "spring.aot.enabled", matches = "true")
@ExtendWith(OutputCaptureExtension.class)
class AotModeTests {

	@Test
	void theWorkloadRunsFromTheGeneratedInitializer(CapturedOutput output) throws Exception {
		assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
		// The generated initializer is looked up by the main class, which a test must name.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ChatDemoApplication.class)
			.main(ChatDemoApplication.class)
			.run("--server.port=0", "--" + DemoTestProperties.FAST_LATENCY,
					"--" + DemoTestProperties.NO_STARTUP_WORKLOAD)) {
			List<String> report = context.getBean(WorkloadRunner.class).play();
			assertThat(report).hasSize(6);
			assertThat(report.get(1)).startsWith("2. same words, other spacing: 2 of 2 answered from cache");
			assertThat(report.get(4)).contains("1 of 2 calls from cache").contains("stream replayed");
			assertThat(report.get(5))
				.isEqualTo("6. paraphrases (other words, same meaning): 2 of 2 answered from cache (semantic tier)");
		}
		assertThat(output).contains("Starting AOT-processed ChatDemoApplication");
	}

}
