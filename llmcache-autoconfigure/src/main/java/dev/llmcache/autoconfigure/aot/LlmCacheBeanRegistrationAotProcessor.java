package dev.llmcache.autoconfigure.aot;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers, at build time, what llmcache reads reflectively from an application's beans: their
 * {@code @LlmCached} and {@code @LlmCacheEvict} methods (introspected for their annotations and
 * parameters), and the types those methods return, which the JSON codec writes and binds back
 * (records, beans and their nested types). {@code String} and Spring AI's {@code ChatResponse} are
 * written by hand and need nothing.
 */
class LlmCacheBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private static final String PUBLISHER = "org.reactivestreams.Publisher";

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = registeredBean.getBeanClass();
		List<Method> methods = annotatedMethods(beanClass);
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> registerHints(generationContext.getRuntimeHints(), methods);
	}

	static void registerHints(RuntimeHints hints, List<Method> methods) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		for (Method method : methods) {
			hints.reflection().registerMethod(method, ExecutableMode.INTROSPECT);
			if (MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).isPresent(LlmCached.class)) {
				Type stored = storedType(method);
				Class<?> raw = ResolvableType.forType(stored).resolve(Object.class);
				if (raw != String.class && raw != ChatResponse.class && raw != Object.class) {
					binding.registerReflectionHints(hints.reflection(), stored);
				}
			}
		}
	}

	/** Methods of the class and of its interfaces that carry one of llmcache's annotations. */
	static List<Method> annotatedMethods(Class<?> beanClass) {
		Set<Method> found = new LinkedHashSet<>();
		List<Class<?>> types = new ArrayList<>();
		types.add(ClassUtils.getUserClass(beanClass));
		types.addAll(ClassUtils.getAllInterfacesForClassAsSet(beanClass));
		for (Class<?> type : types) {
			ReflectionUtils.doWithMethods(type, method -> {
				MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
				if (annotations.isPresent(LlmCached.class) || annotations.isPresent(LlmCacheEvict.class)) {
					found.add(method);
				}
			}, method -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
		}
		return new ArrayList<>(found);
	}

	/** What the codec stores for a method: its value, or what its future or stream carries. */
	private static Type storedType(Method method) {
		ResolvableType returned = ResolvableType.forMethodReturnType(method);
		Class<?> raw = returned.resolve(Object.class);
		if (Future.class.isAssignableFrom(raw) || isPublisher(raw)) {
			return returned.getGeneric(0).getType();
		}
		return method.getGenericReturnType();
	}

	private static boolean isPublisher(Class<?> type) {
		ClassLoader loader = type.getClassLoader();
		return ClassUtils.isPresent(PUBLISHER, loader)
				&& ClassUtils.resolveClassName(PUBLISHER, loader).isAssignableFrom(type);
	}

}
