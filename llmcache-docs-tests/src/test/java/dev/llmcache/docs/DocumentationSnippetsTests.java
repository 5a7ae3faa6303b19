package dev.llmcache.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of the documents compiles, every YAML block parses and names only properties
 * that exist, and every Maven block is well-formed and names the versions this build uses.
 */
class DocumentationSnippetsTests {

	/** The documents whose code blocks are meant to work as written. */
	static final List<String> DOCUMENTS = List.of("README.md", "docs/operations.md", "docs/semantic.md",
			"samples/chat-demo/README.md");

	@TempDir
	Path classes;

	static List<Snippet> blocks(String... languages) {
		Set<String> wanted = Set.of(languages);
		return DOCUMENTS.stream()
			.flatMap(document -> Snippet.of(document).stream())
			.filter(snippet -> wanted.contains(snippet.language()))
			.toList();
	}

	@Test
	void javaBlocksCompile() {
		List<Snippet> java = blocks("java");
		assertThat(java).extracting(Snippet::heading).contains("Quick start", "ChatClient advisor");
		assertThat(SnippetCompiler.compile(java, this.classes)).isEmpty();
	}

	@Test
	void aBlockThatDoesNotCompileIsReportedWithItsPlace() {
		Snippet broken = new Snippet("README.md", 42, "java", "Quick start", null, "", """
				@Service
				class SupportAssistant {
				    String answer() {
				        return chatModel.call("hi");
				    }
				}
				""");
		assertThat(SnippetCompiler.compile(List.of(broken), this.classes))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.startsWith("README.md:42 (Quick start), line 4 of the block: cannot find symbol")
			.contains("variable chatModel");
	}

	@Test
	void yamlBlocksParseAndNameExistingProperties() throws IOException {
		List<Snippet> yaml = blocks("yaml", "yml");
		assertThat(yaml).extracting(Snippet::heading).contains("Quick start");
		Set<String> known = knownProperties();
		assertThat(known).contains("llmcache.redis.timeout", "spring.data.redis.host");
		List<String> unknown = new ArrayList<>();
		List<String> malformed = new ArrayList<>();
		for (Snippet snippet : yaml) {
			try {
				for (Object document : new Yaml().loadAll(snippet.text())) {
					assertThat(document).as(snippet.where()).isInstanceOf(Map.class);
					flatten("", document).filter(name -> !isKnown(name, known))
						.forEach(name -> unknown.add(snippet.where() + ": " + name));
				}
			}
			catch (YAMLException ex) {
				malformed.add(snippet.where() + ": " + ex.getMessage());
			}
		}
		assertThat(malformed).as("YAML blocks that do not parse").isEmpty();
		assertThat(unknown).as("properties no configuration metadata describes").isEmpty();
	}

	@Test
	void mavenBlocksAreWellFormedAndNameThisBuildsVersions() throws Exception {
		List<Snippet> xml = blocks("xml");
		assertThat(xml).isNotEmpty();
		for (Snippet snippet : xml) {
			Document document = DocumentBuilderFactory.newInstance()
				.newDocumentBuilder()
				.parse(new InputSource(new StringReader("<root>" + snippet.text() + "</root>")));
			NodeList dependencies = document.getElementsByTagName("dependency");
			for (int i = 0; i < dependencies.getLength(); i++) {
				Element dependency = (Element) dependencies.item(i);
				String group = text(dependency, "groupId");
				String artifact = text(dependency, "artifactId");
				String version = text(dependency, "version");
				if ("dev.llmcache".equals(group)) {
					assertThat(version).as(snippet.where() + " " + artifact).isEqualTo(System.getProperty("docs.project-version"));
				}
				if ("spring-ai-bom".equals(artifact)) {
					assertThat(version).as(snippet.where() + " " + artifact)
						.isEqualTo(System.getProperty("docs.spring-ai-version"));
				}
			}
		}
	}

	private static String text(Element parent, String tag) {
		NodeList found = parent.getElementsByTagName(tag);
		return (found.getLength() > 0) ? found.item(0).getTextContent().trim() : null;
	}

	@SuppressWarnings("unchecked")
	private static Stream<String> flatten(String prefix, Object value) {
		if (value instanceof Map<?, ?> map) {
			return map.entrySet()
				.stream()
				.flatMap(entry -> flatten(prefix.isEmpty() ? String.valueOf(entry.getKey())
						: prefix + "." + entry.getKey(), entry.getValue()));
		}
		return Stream.of(prefix);
	}

	/** Exactly a property, or inside one whose type is a map or a list (pricing.<model>, warmup.calls). */
	private static boolean isKnown(String name, Set<String> known) {
		if (known.contains(name)) {
			return true;
		}
		for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
			if (known.contains(name.substring(0, dot))) {
				return true;
			}
		}
		return false;
	}

	/** All properties Spring Boot's configuration metadata of the class path describes. */
	static Set<String> knownProperties() throws IOException {
		Set<String> names = new TreeSet<>();
		ObjectMapper json = new ObjectMapper();
		for (String resource : List.of("META-INF/spring-configuration-metadata.json",
				"META-INF/additional-spring-configuration-metadata.json")) {
			Enumeration<URL> found = DocumentationSnippetsTests.class.getClassLoader().getResources(resource);
			while (found.hasMoreElements()) {
				try (InputStream in = found.nextElement().openStream()) {
					JsonNode properties = json.readTree(in).path("properties");
					for (JsonNode property : properties) {
						names.add(property.path("name").asString());
					}
				}
			}
		}
		return names;
	}

}
