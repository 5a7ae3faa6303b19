package dev.llmcache.autoconfigure;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.llmcache.coherence.RedisL1Coherence;
import dev.llmcache.redis.RedisTier;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that stops at any moment of its startup gets no warning or error from llmcache or
 * from the Redis connections it owns: its lifecycle beans start once the context is ready, stop
 * before the connection factory does, and stop what they started in the background.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmCacheShutdownTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	/** The lines a user would read as a fault: WARN and ERROR from us, Lettuce, Netty, Spring Data Redis. */
	private static final Pattern NOISE = Pattern.compile(
			"(?m)^.*\\b(WARN|ERROR)\\b.*(dev\\.llmcache|io\\.lettuce|io\\.netty|o\\.s\\.d\\.redis|org\\.springframework\\.data\\.redis|llmcache).*$"
					+ "|^.*(RejectedExecutionException|cannot be started once stopped|Connection is already closed).*$");

	// Fixed seed: a failure names the delay that caused it and can be replayed.
	private final Random random = new Random(16_18_7);

	@Test
	void closedRightAfterStartupAtRandomMoments(CapturedOutput output) {
		for (int run = 0; run < 10; run++) {
			int delayMillis = this.random.nextInt(60);
			LlmCacheContexts.withRedis(parts.server(), parts.redis()).run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisTier.class).isRunning()).isTrue();
				assertThat(context.getBean(RedisL1Coherence.class).isRunning()).isTrue();
				if (delayMillis > 0) {
					Thread.sleep(delayMillis);
				}
			});
			assertThat(noise(output)).as("after closing %d ms after startup", delayMillis).isEmpty();
		}
	}

	@Test
	void closedWhileCallsAreInFlight(CapturedOutput output) {
		for (int run = 0; run < 5; run++) {
			int delayMillis = this.random.nextInt(30);
			LlmCacheContexts.withRedis(parts.server(), parts.redis()).run(context -> {
				AskService service = context.getBean(AskService.class);
				CompletableFuture<?> calls = CompletableFuture.runAsync(() -> {
					for (int i = 0; i < 20; i++) {
						service.ask("In flight " + i);
					}
				});
				Thread.sleep(delayMillis);
				context.close();
				// Calls made while and after the application stops still answer, from the model.
				calls.get(30, TimeUnit.SECONDS);
			});
			assertThat(noise(output)).as("after closing %d ms into the calls", delayMillis).isEmpty();
		}
	}

	@Test
	void startupFailingAfterLlmCacheStarted(CapturedOutput output) {
		// As a web server failing to bind: a later lifecycle phase fails, the context stops what started.
		LlmCacheContexts.withRedis(parts.server(), parts.redis())
			.withBean("failingServer", FailingLifecycle.class, FailingLifecycle::new)
			.run(context -> assertThat(context).hasFailed());
		assertThat(noise(output)).isEmpty();
	}

	@Test
	void startupFailingWhileBeansAreCreated(CapturedOutput output) {
		for (String dependsOn : List.of("llmCacheRedisTier", "llmCacheL1Coherence", "llmCacheAspectSupport")) {
			LlmCacheContexts.withRedis(parts.server(), parts.redis())
				.withBean("failing", Object.class, () -> {
					throw new IllegalStateException("refusing to start");
				}, definition -> definition.setDependsOn(dependsOn))
				.run(context -> assertThat(context).hasFailed()
					.getFailure()
					.hasRootCauseMessage("refusing to start")
					.isInstanceOf(BeanCreationException.class));
			assertThat(noise(output)).as("failing after %s was created", dependsOn).isEmpty();
		}
	}

	private static List<String> noise(CapturedOutput output) {
		return NOISE.matcher(output.getAll()).results().map(m -> m.group()).toList();
	}

	static class FailingLifecycle implements SmartLifecycle {

		@Override
		public void start() {
			throw new IllegalStateException("port in use");
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

		@Override
		public int getPhase() {
			return SmartLifecycle.DEFAULT_PHASE - 2048;
		}

	}

}
