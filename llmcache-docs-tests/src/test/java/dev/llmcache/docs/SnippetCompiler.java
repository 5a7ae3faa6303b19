package dev.llmcache.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java code blocks of the documentation with javac, against this module's class path
 * (what the Quick start tells an application to depend on), each in a package of its own.
 */
final class SnippetCompiler {

	/** What a block without {@code import} lines may use without saying so. */
	static final List<String> IMPORTS = List.of("dev.llmcache.*", "dev.llmcache.annotation.*",
			"dev.llmcache.advisor.*", "dev.llmcache.control.*", "dev.llmcache.explain.*", "dev.llmcache.semantic.*",
			"dev.llmcache.engine.*", "org.springframework.ai.chat.client.*", "org.springframework.ai.chat.model.*",
			"org.springframework.ai.chat.prompt.*", "org.springframework.stereotype.*",
			"org.springframework.context.annotation.*", "java.time.*", "java.util.*");

	private static final Pattern PUBLIC_TYPE = Pattern
		.compile("(?m)^public\\s+(?:final\\s+|abstract\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");

	private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+[\\w.*]+\\s*;");

	private SnippetCompiler() {
	}

	/** The package a block is compiled in: {@code snippets.readme_l42}. */
	static String packageOf(Snippet snippet) {
		String document = snippet.document().toLowerCase(Locale.ROOT).replaceAll("\\.md$", "").replaceAll("\\W", "_");
		return "snippets." + document + "_l" + snippet.line();
	}

	/**
	 * Compiles the blocks into {@code output}.
	 * @return one message per error, naming the document, the line of the block and javac's message
	 */
	static List<String> compile(List<Snippet> snippets, Path output) {
		return compile(snippets, output, true);
	}

	/**
	 * Compiles the blocks into {@code output}, with or without {@code -parameters} (a build that
	 * does not use spring-boot-starter-parent compiles without it).
	 * @return one message per error, naming the document, the line of the block and javac's message
	 */
	static List<String> compile(List<Snippet> snippets, Path output, boolean parameterNames) {
		JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		List<Source> sources = snippets.stream().map(Source::new).toList();
		try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
			List<String> options = new java.util.ArrayList<>(List.of("--release", "17", "-proc:none", "-Xlint:none",
					"-d", output.toString(), "-classpath", System.getProperty("java.class.path")));
			if (parameterNames) {
				options.add("-parameters");
			}
			output.toFile().mkdirs();
			javac.getTask(null, files, diagnostics, options, null, sources).call();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> errors = new ArrayList<>();
		for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
			if (diagnostic.getKind() != Diagnostic.Kind.ERROR) {
				continue;
			}
			if (diagnostic.getSource() instanceof Source source) {
				long line = diagnostic.getLineNumber() - source.prefixLines;
				errors.add(source.snippet.where() + ", line " + line + " of the block: "
						+ diagnostic.getMessage(Locale.ROOT));
			}
			else {
				errors.add(diagnostic.getMessage(Locale.ROOT));
			}
		}
		return errors;
	}

	/** The class path entries, for a class loader over the compiled blocks. */
	static List<File> classPath() {
		return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.map(File::new)
			.toList();
	}

	private static final class Source extends SimpleJavaFileObject {

		final Snippet snippet;

		final String code;

		final int prefixLines;

		Source(Snippet snippet) {
			super(URI.create("string:///" + packageOf(snippet).replace('.', '/') + "/" + fileName(snippet) + ".java"),
					Kind.SOURCE);
			this.snippet = snippet;
			StringBuilder prefix = new StringBuilder("package ").append(packageOf(snippet)).append(";\n");
			if (!IMPORT.matcher(snippet.text()).find()) {
				IMPORTS.forEach(name -> prefix.append("import ").append(name).append(";\n"));
			}
			String body = snippet.text();
			if ("statements".equals(snippet.marker())) {
				prefix.append("class Snippet {\n").append(snippet.given()).append("\nvoid run() throws Exception {\n");
				body = body + "}\n}\n";
			}
			else if ("members".equals(snippet.marker())) {
				prefix.append("class Snippet {\n").append(snippet.given()).append('\n');
				body = body + "}\n";
			}
			this.prefixLines = (int) prefix.chars().filter(c -> c == '\n').count();
			this.code = prefix + body;
		}

		private static String fileName(Snippet snippet) {
			java.util.regex.Matcher publicType = PUBLIC_TYPE.matcher(snippet.text());
			return publicType.find() ? publicType.group(1) : "Snippet";
		}

		@Override
		public CharSequence getCharContent(boolean ignoreEncodingErrors) {
			return this.code;
		}

	}

}
