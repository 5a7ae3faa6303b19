package dev.llmcache.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * llmcache's sample: a web app whose answers come from a chat model through {@code @LlmCached}
 * methods and through the ChatClient advisor. On start it plays a short scripted workload and prints
 * what the cache saved; then it serves the dashboard at {@code /} until stopped (or exits at once
 * with {@code llmcache.demo.exit-after-workload=true}).
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(DemoProperties.class)
public class ChatDemoApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(ChatDemoApplication.class, args);
		// The workload runs inside run(), so by now it has printed its table.
		if (context.getBean(DemoProperties.class).isExitAfterWorkload()) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
