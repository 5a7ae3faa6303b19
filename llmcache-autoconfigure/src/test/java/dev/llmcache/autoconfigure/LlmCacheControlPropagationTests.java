package dev.llmcache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.llmcache.annotation.LlmCached;
import dev.llmcache.control.LlmCacheControl;
import dev.llmcache.control.LlmCacheControlAccessor;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control set on the caller's thread reaches asynchronous calls ({@code CompletableFuture},
 * {@code Mono}, {@code Flux}) wherever their cache work and method bodies run, and a control held
 * by Reactor's context reaches them too, through Micrometer's context propagation.
 */
class LlmCacheControlPropagationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String NO_STORE = LlmCacheControl.noStore().toString();

	private static final String NO_CACHE = LlmCacheControl.noCache().toString();

	private static final String DEFAULTS = LlmCacheControl.defaults().toString();

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private ApplicationContextRunner context() {
		return LlmCacheContexts.withoutRedis(server).withUserConfiguration(EchoConfiguration.class);
	}

	@Test
	void theCallersControlReachesTheBodyOfAFutureCall() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			CompletableFuture<String> seen = LlmCacheControl.noStore().call(() -> echo.future("f"));
			assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(NO_STORE);
			assertThat(echo.future("f").get(10, TimeUnit.SECONDS)).as("not stored, so called again")
				.isEqualTo(DEFAULTS);
			assertThat(echo.future("f").get(10, TimeUnit.SECONDS)).as("stored by the call before").isEqualTo(DEFAULTS);
		});
	}

	@Test
	void theCallersControlReachesAMonoSubscribedOnAnotherThread() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			Mono<String> seen = LlmCacheControl.noStore().call(() -> echo.mono("m"));
			assertThat(seen.subscribeOn(Schedulers.parallel()).block(WAIT)).isEqualTo(NO_STORE);
			assertThat(echo.mono("m").block(WAIT)).as("not stored, so called again").isEqualTo(DEFAULTS);
		});
	}

	@Test
	void theCallersControlReachesAFluxSubscribedOnAnotherThread() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			Flux<String> seen = LlmCacheControl.noStore().call(() -> echo.flux("s"));
			assertThat(seen.subscribeOn(Schedulers.parallel()).collectList().block(WAIT)).containsExactly(NO_STORE);
			assertThat(echo.flux("s").collectList().block(WAIT)).as("not stored, so called again")
				.containsExactly(DEFAULTS);
		});
	}

	@Test
	void aControlCapturedIntoReactorsContextAtSubscriptionApplies() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			echo.mono("captured").block(WAIT);
			echo.flux("captured").collectList().block(WAIT);
			Mono<String> mono = echo.mono("captured");
			Flux<String> flux = echo.flux("captured");
			try (LlmCacheControl.Scope scope = LlmCacheControl.noCache().open()) {
				assertThat(mono.contextCapture().block(WAIT)).as("reads skipped, so called again").isEqualTo(NO_CACHE);
				assertThat(flux.contextCapture().collectList().block(WAIT)).containsExactly(NO_CACHE);
			}
		});
	}

	@Test
	void aControlWrittenIntoReactorsContextApplies() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			Context noStore = Context.of(LlmCacheControlAccessor.KEY, LlmCacheControl.noStore());
			assertThat(echo.mono("written").contextWrite(noStore).block(WAIT)).isEqualTo(NO_STORE);
			assertThat(echo.flux("written").contextWrite(noStore).collectList().block(WAIT))
				.containsExactly(NO_STORE);
			assertThat(echo.mono("written").block(WAIT)).as("not stored, so called again").isEqualTo(DEFAULTS);
		});
	}

	@Test
	void poolThreadsDoNotKeepAControlAfterTheCall() {
		context().run(context -> {
			ControlEcho echo = context.getBean(ControlEcho.class);
			List<Mono<String>> underControl = new ArrayList<>();
			try (LlmCacheControl.Scope scope = LlmCacheControl.noStore().open()) {
				for (int i = 0; i < 8; i++) {
					underControl.add(echo.mono("pooled " + i));
				}
			}
			assertThat(Flux.merge(underControl).collectList().block(WAIT)).hasSize(8).containsOnly(NO_STORE);
			List<String> afterwards = Flux.range(0, 8).flatMap(i -> echo.mono("plain " + i)).collectList().block(WAIT);
			assertThat(afterwards).hasSize(8).containsOnly(DEFAULTS);
		});
	}

	/** Reports the control its method bodies ran under, wherever the cache ran them. */
	public static class ControlEcho {

		@LlmCached
		public CompletableFuture<String> future(String question) {
			return CompletableFuture.completedFuture(LlmCacheControl.current().toString());
		}

		@LlmCached
		public Mono<String> mono(String question) {
			return Mono.just(LlmCacheControl.current().toString());
		}

		@LlmCached
		public Flux<String> flux(String question) {
			return Flux.just(LlmCacheControl.current().toString());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		ControlEcho controlEcho(ChatModel chatModel) {
			return new ControlEcho();
		}

	}

}
