package dev.llmcache.autoconfigure.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored bytes are untrusted input: nothing in the main code of any module may hand them, or
 * anything else, to Java deserialization.
 */
class NoJavaDeserializationTests {

	private static final Pattern FORBIDDEN = Pattern.compile(
			"ObjectInputStream|readObject\\s*\\(|JdkSerializationRedisSerializer|SerializationUtils\\.deserialize"
					+ "|XMLDecoder|enableDefaultTyping|activateDefaultTyping");

	@Test
	void noMainSourceUsesJavaDeserialization() throws IOException {
		Path root = Paths.get("").toAbsolutePath().getParent();
		assertThat(root.resolve("pom.xml")).exists();
		List<Path> sources;
		try (Stream<Path> files = Files.walk(root)) {
			sources = files.filter(path -> path.toString().endsWith(".java"))
				.filter(path -> path.toString().contains("/src/main/"))
				.filter(path -> !path.toString().contains("/target/"))
				.toList();
		}
		assertThat(sources).as("main sources found").hasSizeGreaterThan(30);
		for (Path source : sources) {
			assertThat(FORBIDDEN.matcher(Files.readString(source)).find()).as(source.toString()).isFalse();
		}
	}

}
