package dev.llmcache.key;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property of every {@code ChatOptions} implementation on the test class path (Spring AI's
 * own, OpenAI, Anthropic, Ollama) is either in the key or on the documented transport-only list
 * ({@code docs/keys.md}); a new option in a Spring AI upgrade that the key cannot see fails here.
 */
class ChatOptionsCoverageTests {

	private static final DefaultLlmCacheKeyGenerator GENERATOR = new DefaultLlmCacheKeyGenerator(
			PromptNormalizer.defaults(), 0);

	/**
	 * Fields that a key reads through a property of another name, each with its reason: a field
	 * the key cannot see merges requests.
	 */
	private static final Map<String, String> READ_THROUGH_OTHER_PROPERTY = Map.of(
			"org.springframework.ai.openai.OpenAiChatOptions.isMicrosoftFoundry", "read as property microsoftFoundry",
			"org.springframework.ai.openai.OpenAiChatOptions.isGitHubModels", "read as property gitHubModels");

	@Test
	void theOptionsOfEveryProviderOnTheClassPathAreFound() {
		assertThat(optionClasses()).extracting(Class::getSimpleName)
			.contains("OpenAiChatOptions", "AnthropicChatOptions", "OllamaChatOptions", "DefaultChatOptions");
	}

	@Test
	void everyFieldOfEveryOptionsClassIsAKeyedOrTransportOnlyProperty() {
		List<String> unseen = new ArrayList<>();
		for (Class<?> type : optionClasses()) {
			Set<String> readable = readableProperties(type);
			for (Field field : instanceFields(type)) {
				String name = field.getName();
				if (!readable.contains(name) && !READ_THROUGH_OTHER_PROPERTY.containsKey(type.getName() + "." + name)) {
					unseen.add(type.getName() + "." + name);
				}
			}
		}
		assertThat(unseen).as("option fields no key can see (add a getter mapping or a documented reason)").isEmpty();
	}

	@Test
	void everyPropertyIsKeyedUnlessItIsTransportOnly() {
		List<String> neither = new ArrayList<>();
		for (Class<?> type : optionClasses()) {
			Set<String> keyed = new TreeSet<>();
			ValueType.of(type).properties().forEach(property -> keyed.add(property.name()));
			for (String property : readableProperties(type)) {
				boolean transportOnly = ValueType.TRANSPORT_ONLY_OPTIONS.contains(property);
				if (keyed.contains(property) == transportOnly) {
					neither.add(type.getName() + "." + property + (transportOnly ? " (keyed and transport-only)" : ""));
				}
			}
		}
		assertThat(neither).isEmpty();
	}

	/**
	 * The strongest form of the rule: set each simple-typed field of a built options object to
	 * another value, and the key must move exactly when the property is not transport-only.
	 */
	@Test
	void changingAKeyedOptionChangesTheKeyAndChangingATransportOptionDoesNot() throws Exception {
		List<String> wrong = new ArrayList<>();
		int checked = 0;
		for (Class<?> type : optionClasses()) {
			ChatOptions base = build(type);
			if (base == null) {
				continue;
			}
			CacheKey baseKey = key(base);
			for (Field field : instanceFields(type)) {
				Object value = sampleValue(field);
				if (value == null || field.getName().equals(ValueType.TOOL_CONTEXT)) {
					continue;
				}
				ChatOptions changed = build(type);
				field.setAccessible(true);
				field.set(changed, value);
				boolean moved = !key(changed).equals(baseKey);
				String property = READ_THROUGH_OTHER_PROPERTY.containsKey(type.getName() + "." + field.getName())
						? Character.toLowerCase(field.getName().charAt(2)) + field.getName().substring(3) : field.getName();
				boolean transportOnly = ValueType.TRANSPORT_ONLY_OPTIONS.contains(property);
				if (moved == transportOnly) {
					wrong.add(type.getSimpleName() + "." + field.getName() + (moved ? " moved the key" : " did not"));
				}
				checked++;
			}
		}
		assertThat(checked).isGreaterThan(60);
		assertThat(wrong).isEmpty();
	}

	private static CacheKey key(ChatOptions options) throws Exception {
		Method method = ChatOptionsCoverageTests.class.getDeclaredMethod("ask", Prompt.class);
		return GENERATOR.generate(new KeyRequest("options", null, true, method,
				List.of(new KeyArgument(method.getParameters()[0].getName(), new Prompt(List.of(new UserMessage("Hi")), options)))));
	}

	static String ask(Prompt prompt) {
		return "";
	}

	private static ChatOptions build(Class<?> type) throws Exception {
		Method builder = ClassUtils.getStaticMethod(type, "builder");
		if (builder == null) {
			return null;
		}
		Object built = builder.invoke(null);
		return (ChatOptions) built.getClass().getMethod("build").invoke(built);
	}

	private static Object sampleValue(Field field) {
		Class<?> type = field.getType();
		if (type == String.class) {
			return "changed-" + field.getName();
		}
		if (type == Integer.class || type == int.class) {
			return 1234;
		}
		if (type == Double.class || type == double.class) {
			return 0.123;
		}
		if (type == Float.class || type == float.class) {
			return 0.456f;
		}
		if (type == Boolean.class || type == boolean.class) {
			return Boolean.TRUE;
		}
		if (type == List.class && field.getGenericType() instanceof ParameterizedType parameterized
				&& parameterized.getActualTypeArguments()[0] == String.class) {
			return List.of("changed");
		}
		if (type == Map.class && field.getGenericType() instanceof ParameterizedType parameterized
				&& parameterized.getActualTypeArguments()[0] == String.class
				&& parameterized.getActualTypeArguments()[1] == String.class) {
			return Map.of("changed", "value");
		}
		if (type == java.time.Duration.class) {
			return java.time.Duration.ofSeconds(77);
		}
		return null;
	}

	private static Set<Class<?>> optionClasses() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AssignableTypeFilter(ChatOptions.class));
		Set<Class<?>> types = new LinkedHashSet<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("org.springframework.ai")) {
			Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
			if (!type.isInterface() && !Modifier.isAbstract(type.getModifiers())) {
				types.add(type);
			}
		}
		return types;
	}

	private static Set<String> readableProperties(Class<?> type) {
		Set<String> names = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() != null && !"class".equals(descriptor.getName())) {
				names.add(descriptor.getName());
			}
		}
		return names;
	}

	private static List<Field> instanceFields(Class<?> type) {
		List<Field> fields = new ArrayList<>();
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
					fields.add(field);
				}
			}
		}
		return fields;
	}

}
