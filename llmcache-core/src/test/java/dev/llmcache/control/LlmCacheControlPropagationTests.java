package dev.llmcache.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control as Micrometer's context propagation carries it: registered in the global registry,
 * restored by the executors llmcache wraps, read from a Reactor context, and never touching the
 * thread-local values of other accessors.
 */
class LlmCacheControlPropagationTests {

	private static final ThreadLocal<String> OTHER = new ThreadLocal<>();

	private final ExecutorService pool = Executors.newSingleThreadExecutor();

	@AfterEach
	void close() {
		this.pool.shutdownNow();
		ContextRegistry.getInstance().removeThreadLocalAccessor("test.other");
	}

	@Test
	void theAccessorIsInTheGlobalRegistry() {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).map(ThreadLocalAccessor::key)
			.contains(LlmCacheControlAccessor.KEY);
	}

	@Test
	void aWrappedExecutorRunsEachTaskUnderTheSubmittersControl() throws Exception {
		Executor executor = LlmCacheControlPropagation.propagating(this.pool);
		try (LlmCacheControl.Scope scope = LlmCacheControl.noStore().open()) {
			assertThat(controlOn(executor)).isSameAs(LlmCacheControl.current());
		}
		assertThat(controlOn(executor)).as("a submitter without control leaves none on the pool thread")
			.isSameAs(LlmCacheControl.defaults());
		assertThat(controlOn(this.pool)).as("restored after each task").isSameAs(LlmCacheControl.defaults());
	}

	@Test
	void aReactorContextHoldsTheControlOrTheDefaultsApply() {
		LlmCacheControl noCache = LlmCacheControl.noCache();
		try (ContextSnapshot.Scope scope = LlmCacheControlPropagation
			.openFrom(Context.of(LlmCacheControlAccessor.KEY, noCache))) {
			assertThat(LlmCacheControl.current()).isSameAs(noCache);
		}
		try (LlmCacheControl.Scope outer = LlmCacheControl.noStore().open()) {
			try (ContextSnapshot.Scope scope = LlmCacheControlPropagation.openFrom(Context.empty())) {
				assertThat(LlmCacheControl.current()).isSameAs(LlmCacheControl.defaults());
			}
			assertThat(LlmCacheControl.current().isNoStore()).as("restored when the scope closes").isTrue();
		}
	}

	@Test
	void otherThreadLocalValuesAreLeftAlone() throws Exception {
		ContextRegistry.getInstance().registerThreadLocalAccessor("test.other", OTHER::get, OTHER::set, OTHER::remove);
		Executor executor = LlmCacheControlPropagation.propagating(this.pool);
		this.pool.submit(() -> OTHER.set("set on the pool thread")).get(5, TimeUnit.SECONDS);
		CompletableFuture<String> seen = new CompletableFuture<>();
		executor.execute(() -> seen.complete(OTHER.get()));
		assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("set on the pool thread");
	}

	private static LlmCacheControl controlOn(Executor executor) throws Exception {
		CompletableFuture<LlmCacheControl> seen = new CompletableFuture<>();
		executor.execute(() -> seen.complete(LlmCacheControl.current()));
		return seen.get(5, TimeUnit.SECONDS);
	}

}
