package dev.llmcache.interceptor;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.llmcache.annotation.LlmCacheEvict;
import dev.llmcache.annotation.LlmCached;
import dev.llmcache.key.DefaultLlmCacheKeyGenerator;
import dev.llmcache.key.PromptNormalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A SpEL attribute that names a parameter of a class compiled without {@code -parameters} would
 * evaluate to null on every call (a silent bypass, for a partition): it fails at startup instead,
 * saying how to fix it. The classes are compiled here, with and without {@code -parameters}.
 */
class ParameterNameExpressionTests {

	private static final String SOURCE = """
			package demo;

			import dev.llmcache.annotation.LlmCacheEvict;
			import dev.llmcache.annotation.LlmCached;

			public class Assistant {

				@LlmCached(partition = "#tenant")
				public String byName(String tenant, String question) {
					return question;
				}

				@LlmCached(partition = "#p0", key = "#a1")
				public String byPosition(String tenant, String question) {
					return question;
				}

				@LlmCacheEvict(namespace = "faq", partition = "#tenant", allEntries = true)
				public void evict(String tenant) {
				}

				@LlmCached(partition = "#tenantt")
				public String typo(String tenant, String question) {
					return question;
				}

				@LlmCached(key = "#result")
				public String resultInKey(String question) {
					return question;
				}

			}
			""";

	@TempDir
	Path directory;

	private final LlmCacheOperationSource operations = new LlmCacheOperationSource(LlmCacheDefaults.standard(),
			new LlmCacheExpressionEvaluator(), new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults()));

	@Test
	void parameterNameWithoutParameterNamesFailsNamingTheMethodAndTheFix() throws Exception {
		Class<?> type = compile(false);
		assertThat(type.getMethod("byName", String.class, String.class).getParameters()[0].isNamePresent()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> operation(type, "byName", String.class, String.class))
			.withMessage("partition = \"#tenant\" on demo.Assistant.byName(String,String) refers to #tenant, but the "
					+ "parameter names of this method are not available: its class was compiled without -parameters. "
					+ "Compile with -parameters (Maven: <parameters>true</parameters> in maven-compiler-plugin's "
					+ "configuration, as spring-boot-starter-parent does; Gradle: options.compilerArgs << "
					+ "'-parameters'), or refer to arguments by position (#p0 or #a0 for the first)");
		assertThatIllegalStateException().isThrownBy(() -> operation(type, "evict", String.class))
			.withMessageStartingWith("partition = \"#tenant\" on demo.Assistant.evict(String) refers to #tenant, "
					+ "but the parameter names of this method are not available");
	}

	@Test
	void positionalVariablesNeedNoParameterNames() throws Exception {
		Class<?> type = compile(false);
		LlmCachedOperation operation = (LlmCachedOperation) operation(type, "byPosition", String.class, String.class);
		assertThat(operation.partition().getExpressionString()).isEqualTo("#p0");
		assertThat(operation.key().getExpressionString()).isEqualTo("#a1");
	}

	@Test
	void parameterNamesWorkWhenCompiledWithParameters() throws Exception {
		Class<?> type = compile(true);
		assertThat(operation(type, "byName", String.class, String.class)).isInstanceOf(LlmCachedOperation.class);
		assertThat(operation(type, "evict", String.class)).isInstanceOf(LlmCacheEvictOperation.class);
	}

	@Test
	void unknownVariableFailsListingTheKnownOnes() throws Exception {
		Class<?> type = compile(true);
		assertThatIllegalStateException().isThrownBy(() -> operation(type, "typo", String.class, String.class))
			.withMessage("partition = \"#tenantt\" on demo.Assistant.typo(String,String) refers to #tenantt, which a "
					+ "call does not define; use #tenant, #question, #p0..#p1, #root");
		assertThatIllegalStateException().isThrownBy(() -> operation(type, "resultInKey", String.class))
			.withMessage("key = \"#result\" on demo.Assistant.resultInKey(String) refers to #result, which a call "
					+ "does not define; use #question, #p0..#p0, #root");
	}

	private KeyedOperation operation(Class<?> type, String name, Class<?>... parameterTypes) throws Exception {
		Method method = type.getMethod(name, parameterTypes);
		return this.operations.getOperation(method, type);
	}

	private Class<?> compile(boolean parameters) throws IOException, ClassNotFoundException {
		Path source = this.directory.resolve("src/demo/Assistant.java");
		Files.createDirectories(source.getParent());
		Files.writeString(source, SOURCE);
		Path classes = this.directory.resolve(parameters ? "with" : "without");
		Files.createDirectories(classes);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(),
				"-classpath", classpathOf(LlmCached.class) + File.pathSeparator + classpathOf(LlmCacheEvict.class)));
		if (parameters) {
			arguments.add("-parameters");
		}
		arguments.add(source.toString());
		assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new))).as("javac exit code").isZero();
		URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() }, getClass().getClassLoader());
		return loader.loadClass("demo.Assistant");
	}

	private static String classpathOf(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
