package dev.llmcache.autoconfigure.aot;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.llmcache.annotation.LlmCached;
import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.ChatModelAskService;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.javapoet.ClassName;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

class LlmCacheBeanRegistrationAotProcessorTests {

	@Test
	void registeredWhereSpringAotFindsProcessors() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(BeanRegistrationAotProcessor.class)).hasAtLeastOneElementOfType(LlmCacheBeanRegistrationAotProcessor.class);
	}

	@Test
	void annotatedMethodsAndTheTypesTheyStoreGetHints() throws Exception {
		RuntimeHints hints = process(ChatModelAskService.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(AskService.class.getMethod("ask", String.class))
			.introspect()).as("annotated on the interface").accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(AskService.class.getMethod("forgetFaq", String.class))
			.introspect()).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(AskService.Recipe.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as("a record the codec binds")
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(AskService.Recipe.class, "steps"))
			.accepts(hints);
	}

	@Test
	void typesInsideFuturesAndStreamsGetHints() {
		RuntimeHints hints = process(AsyncService.class);
		assertThat(RuntimeHintsPredicates.reflection().onType(Forecast.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Chunk.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(CompletableFuture.class)).rejects(hints);
	}

	@Test
	void beansWithoutLlmCacheAnnotationsContributeNothing() {
		assertThat(new LlmCacheBeanRegistrationAotProcessor().processAheadOfTime(registered(String.class))).isNull();
	}

	private static RuntimeHints process(Class<?> beanClass) {
		BeanRegistrationAotContribution contribution = new LlmCacheBeanRegistrationAotProcessor()
			.processAheadOfTime(registered(beanClass));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "Test")), new InMemoryGeneratedFiles());
		contribution.applyTo(generation, null);
		return generation.getRuntimeHints();
	}

	private static RegisteredBean registered(Class<?> beanClass) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		return RegisteredBean.of(beanFactory, "bean");
	}

	record Forecast(String city, List<Double> temperatures) {
	}

	record Chunk(String text) {
	}

	static class AsyncService {

		@LlmCached
		public CompletableFuture<Forecast> forecast(String city) {
			return CompletableFuture.completedFuture(new Forecast(city, List.of()));
		}

		@LlmCached
		public Mono<Chunk> chunk(String text) {
			return Mono.just(new Chunk(text));
		}

	}

}
