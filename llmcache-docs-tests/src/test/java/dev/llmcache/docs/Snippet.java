package dev.llmcache.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A fenced code block of a Markdown document.
 *
 * <p>A Java block is a complete compilation unit unless the line before its fence says otherwise
 * with an HTML comment (invisible on GitHub):
 * <ul>
 * <li>{@code <!-- snippet statements: ChatModel chatModel; String question; -->}: statements,
 * compiled as the body of a method of a class that has the given members;</li>
 * <li>{@code <!-- snippet members: ... -->}: members (methods, fields) of such a class.</li>
 * </ul>
 * A block without {@code import} lines gets the imports of {@link SnippetCompiler#IMPORTS}.
 *
 * @param document the file, relative to the repository root
 * @param line the line of the opening fence (1-based)
 * @param language the fence's info string ({@code java}, {@code yaml}, ...)
 * @param heading the nearest heading above the block
 * @param marker the {@code snippet} comment's kind ({@code statements}, {@code members}), null for none
 * @param given the members the comment gives, empty for none
 * @param text the block's text
 */
record Snippet(String document, int line, String language, String heading, @Nullable String marker, String given,
		String text) {

	private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");

	private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet\\s+(statements|members)\\s*:?(.*?)-->\\s*$");

	/** The repository root: the build passes it; run elsewhere, the working directory's parent. */
	static Path root() {
		String root = System.getProperty("docs.root");
		return Path.of((root != null) ? root : "..").toAbsolutePath().normalize();
	}

	static List<Snippet> of(String document) {
		List<String> lines;
		try {
			lines = Files.readAllLines(root().resolve(document));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Snippet> snippets = new ArrayList<>();
		String heading = "";
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.startsWith("#")) {
				heading = line.replaceFirst("^#+\\s*", "");
				continue;
			}
			Matcher fence = FENCE.matcher(line);
			if (!fence.matches()) {
				continue;
			}
			int start = i;
			StringBuilder text = new StringBuilder();
			for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
				text.append(lines.get(i)).append('\n');
			}
			if (i == lines.size()) {
				throw new IllegalStateException(document + ":" + (start + 1) + ": a code block is never closed");
			}
			String marker = null;
			String given = "";
			Matcher comment = (start > 0) ? MARKER.matcher(lines.get(start - 1).trim()) : null;
			if (comment != null && comment.matches()) {
				marker = comment.group(1);
				given = comment.group(2).trim();
			}
			snippets.add(new Snippet(document, start + 1, fence.group(1), heading, marker, given, text.toString()));
		}
		return snippets;
	}

	String where() {
		return this.document + ":" + this.line + " (" + this.heading + ")";
	}

	@Override
	public String toString() {
		return where();
	}

}
