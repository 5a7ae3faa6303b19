package dev.llmcache.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * The start-up line that says which embedding model the semantic tier uses and where it comes
 * from. With {@code llmcache-embedding-onnx} on the class path, an embedding model defined by
 * Spring AI's auto-configuration (the OpenAI starter defines one whenever it is present) makes the
 * offline model back off; every semantic lookup then calls a remote, possibly paid, endpoint, and
 * the line says so and how to choose.
 */
final class EmbeddingModelReport {

	private static final Log logger = LogFactory.getLog(LlmCacheSemanticAutoConfiguration.class);

	static final String ONNX_MODEL = "dev.llmcache.embedding.onnx.OnnxMiniLmEmbeddingModel";

	private EmbeddingModelReport() {
	}

	static void log(@Nullable EmbeddingModel model, ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		if (logger.isInfoEnabled() && model != null) {
			logger.info(describe(model, beanFactory, environment));
		}
	}

	static String describe(EmbeddingModel model, ConfigurableListableBeanFactory beanFactory, Environment environment) {
		Class<?> type = ClassUtils.getUserClass(model);
		if (type.getName().equals(ONNX_MODEL)) {
			return "llmcache: the semantic tier embeds with the offline all-MiniLM-L6-v2 model "
					+ "(llmcache-embedding-onnx, in this JVM)";
		}
		String name = beanName(model, beanFactory);
		String origin = (name != null) ? origin(beanFactory.getBeanDefinition(name)) : null;
		StringBuilder line = new StringBuilder("llmcache: the semantic tier embeds with ").append(type.getSimpleName());
		if (name != null) {
			line.append(" (bean '").append(name).append("'");
			if (origin != null) {
				line.append(", ").append(origin);
			}
			line.append(')');
		}
		if (onnxPassedOver(beanFactory, environment)) {
			line.append("; llmcache-embedding-onnx is on the class path too, but its offline model backs off when "
					+ "another embedding model is defined, so every semantic lookup of a new text calls this one. "
					+ "To embed offline, set spring.ai.model.embedding=none (or remove this bean); to keep this "
					+ "model, remove llmcache-embedding-onnx or set llmcache.embedding.onnx.enabled=false");
		}
		return line.toString();
	}

	private static boolean onnxPassedOver(ConfigurableListableBeanFactory beanFactory, Environment environment) {
		ClassLoader loader = beanFactory.getBeanClassLoader();
		return ClassUtils.isPresent(ONNX_MODEL, loader)
				&& environment.getProperty("llmcache.embedding.onnx.enabled", Boolean.class, true);
	}

	private static @Nullable String beanName(EmbeddingModel model, ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanNamesForType(EmbeddingModel.class, true, false)) {
			if (beanFactory.containsSingleton(name) && beanFactory.getSingleton(name) == model) {
				return name;
			}
		}
		return null;
	}

	private static @Nullable String origin(BeanDefinition definition) {
		String declaring = null;
		if (definition instanceof AnnotatedBeanDefinition annotated) {
			MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
			declaring = (factoryMethod != null) ? factoryMethod.getDeclaringClassName()
					: annotated.getMetadata().getClassName();
		}
		if (declaring == null) {
			return (definition.getResourceDescription() != null) ? "from " + definition.getResourceDescription()
					: null;
		}
		String simple = ClassUtils.getShortName(declaring);
		if (declaring.startsWith("org.springframework.ai.")) {
			return "defined by Spring AI's " + simple;
		}
		return "defined by " + simple;
	}

}
