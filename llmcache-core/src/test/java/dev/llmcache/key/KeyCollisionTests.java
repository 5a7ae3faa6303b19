package dev.llmcache.key;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collision table of {@code docs/keys.md}, run against the real key generator: pairs of calls
 * that a model may answer differently must get different keys, and pairs that differ only where
 * no answer can must get the same key.
 */
class KeyCollisionTests {

	private static final DefaultLlmCacheKeyGenerator GENERATOR = new DefaultLlmCacheKeyGenerator(
			PromptNormalizer.defaults(), 0);

	private static final String UUID_1 = "123e4567-e89b-12d3-a456-426614174000";

	private static final String UUID_2 = "9b2f0c1e-4d5a-4f6b-8c7d-0e1f2a3b4c5d";

	static Stream<Arguments> mustDiffer() {
		Map<String, Object> lampFields = new LinkedHashMap<>();
		lampFields.put("device", "lamp");
		Map<String, Object> bytesLookalike = new LinkedHashMap<>();
		bytesLookalike.put("@type", "bytes");
		bytesLookalike.put("base64", "AQID");
		return Stream.of(
				differ("sealed variants with the same components", call("command", new TurnOn("lamp")),
						call("command", new TurnOff("lamp"))),
				differ("sealed variants passed as Object", call("anything", new TurnOn("lamp")),
						call("anything", new TurnOff("lamp"))),
				differ("a record and a map with the same fields", call("anything", new TurnOn("lamp")),
						call("anything", lampFields)),
				differ("an enum and its name", call("anything", Mode.ON), call("anything", "ON")),
				differ("byte[] and its base64 text", call("anything", new byte[] { 1, 2, 3 }),
						call("anything", "AQID")),
				differ("byte[] and a map that spells its typed form", call("anything", new byte[] { 1, 2, 3 }),
						call("anything", bytesLookalike)),
				differ("nested polymorphic record component", call("envelope", new Envelope(new TurnOn("lamp"), 1)),
						call("envelope", new Envelope(new TurnOff("lamp"), 1))),
				differ("polymorphic list elements", call("commands", List.of(new TurnOn("lamp"))),
						call("commands", List.of(new TurnOff("lamp")))),
				differ("polymorphic map values", call("byName", Map.of("k", new TurnOn("lamp"))),
						call("byName", Map.of("k", new TurnOff("lamp")))),
				differ("generic parameter", call("box", new Box<>(new TurnOn("lamp"))),
						call("box", new Box<>(new TurnOff("lamp")))),
				differ("Python that differs only in indentation",
						call("text", "Fix:\ndef f(x):\n    if x:\n        return 1\n    return 2"),
						call("text", "Fix:\ndef f(x):\n    if x:\n        return 1\n        return 2")),
				differ("code with and without a trailing blank line in a fenced block",
						call("text", "Run:\n```\nprint(1)\n\n```"), call("text", "Run:\n```\nprint(1)\n```")),
				differ("spacing inside a fenced block", call("text", "Run:\n```\nx  =  1\n```"),
						call("text", "Run:\n```\nx = 1\n```")),
				differ("a Markdown table and the same cells on one line",
						call("text", "| a | b |\n|---|---|\n| 1 | 2 |"), call("text", "| a | b | |---|---| | 1 | 2 |")),
				differ("two lines and one", call("text", "first\nsecond"), call("text", "first second")),
				differ("UUIDs when stripping is off", call("text", "Cancel order " + UUID_1),
						call("text", "Cancel order " + UUID_2)),
				differ("timestamps when stripping is off", call("text", "Hours between 2024-05-01T10:00Z and 2024-05-01T12:00Z?"),
						call("text", "Hours between 2024-05-01T10:00Z and 2024-05-01T18:00Z?")),
				differ("the same token twice and two tokens, stripped",
						call("text", "Compare " + UUID_1 + " with " + UUID_1).stripping(),
						call("text", "Compare " + UUID_1 + " with " + UUID_2).stripping()),
				differ("a literal placeholder and a stripped token", call("text", "Cancel order \u27e61\u27e7").stripping(),
						call("text", "Cancel order " + UUID_1).stripping()),
				differ("the Azure deployment name", call("prompt", prompt(OpenAiChatOptions.builder().deploymentName("gpt-4o").build())),
						call("prompt", prompt(OpenAiChatOptions.builder().deploymentName("gpt-4o-mini").build()))),
				differ("the configured model", call("text", "Capital of France?").model("fingerprint-of-gpt-4o"),
						call("text", "Capital of France?").model("fingerprint-of-gpt-4o-mini")),
				differ("no configured model and one", call("text", "Capital of France?"),
						call("text", "Capital of France?").model("fingerprint-of-gpt-4o")));
	}

	static Stream<Arguments> mustBeEqual() {
		return Stream.of(
				equal("spacing inside prose", call("text", "What is  the   capital\tof France?"),
						call("text", "What is the capital of France?")),
				equal("NFC and NFD", call("text", "Caf\u00e9 au lait?"), call("text", "Cafe\u0301 au lait?")),
				equal("CRLF and LF", call("text", "line one\r\nline two\r\n"), call("text", "line one\nline two")),
				equal("trailing spaces of lines", call("text", "line one   \nline two\t"),
						call("text", "line one\nline two")),
				equal("spacing inside prose of a prompt message", call("prompt", new Prompt(new UserMessage("Hi   there  "))),
						call("prompt", new Prompt(new UserMessage("Hi there")))),
				equal("UUIDs when stripping is on", call("text", "Cancel order " + UUID_1).stripping(),
						call("text", "Cancel order " + UUID_2).stripping()),
				equal("transport-only options", call("prompt", prompt(OpenAiChatOptions.builder().model("m").apiKey("a").build())),
						call("prompt", prompt(OpenAiChatOptions.builder().model("m").apiKey("b").baseUrl("http://x").build()))),
				equal("a number whatever its type", call("anything", 1), call("anything", 1L)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("mustDiffer")
	void pairsThatMayBeAnsweredDifferentlyGetDifferentKeys(String name, Call one, Call other) {
		assertThat(GENERATOR.generate(one.request())).as(GENERATOR.canonicalForm(one.request()))
			.isNotEqualTo(GENERATOR.generate(other.request()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("mustBeEqual")
	void pairsThatDifferOnlyWhereNoAnswerCanGetOneKey(String name, Call one, Call other) {
		assertThat(GENERATOR.canonicalForm(one.request())).isEqualTo(GENERATOR.canonicalForm(other.request()));
		assertThat(GENERATOR.generate(one.request())).isEqualTo(GENERATOR.generate(other.request()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("finalDeclaredTypes")
	void valuesOfTheirExactFinalDeclaredTypeCarryNoTypeName(String method, Object value) {
		assertThat(GENERATOR.canonicalForm(call(method, value).request())).doesNotContain("@type");
	}

	static Stream<Arguments> finalDeclaredTypes() {
		return Stream.of(Arguments.of("turnOn", new TurnOn("lamp")), Arguments.of("mode", Mode.ON),
				Arguments.of("bytes", new byte[] { 1, 2, 3 }), Arguments.of("onList", List.of(new TurnOn("lamp"))));
	}

	private static Arguments differ(String name, Call one, Call other) {
		return Arguments.of(name, one, other);
	}

	private static Arguments equal(String name, Call one, Call other) {
		return Arguments.of(name, one, other);
	}

	private static Prompt prompt(OpenAiChatOptions options) {
		return new Prompt(List.of(new UserMessage("Hi")), options);
	}

	private static Call call(String methodName, Object argument) {
		Method method = Arrays.stream(Service.class.getDeclaredMethods())
			.filter(candidate -> candidate.getName().equals(methodName))
			.findFirst()
			.orElseThrow();
		return new Call(method, argument, false, null);
	}

	/** One call of a {@link Service} method, keyed as the interceptor keys it. */
	record Call(Method method, Object argument, boolean strip, String model) {

		Call stripping() {
			return new Call(this.method, this.argument, true, this.model);
		}

		Call model(String fingerprint) {
			return new Call(this.method, this.argument, this.strip, fingerprint);
		}

		KeyRequest request() {
			List<KeyArgument> arguments = new ArrayList<>();
			Parameter[] parameters = this.method.getParameters();
			arguments.add(new KeyArgument(parameters[0].getName(), this.argument));
			return new KeyRequest("collisions", null, true, this.strip, this.model, this.method, arguments);
		}

		@Override
		public String toString() {
			return this.method.getName();
		}

	}

	interface Service {

		String anything(Object value);

		String command(Command command);

		String envelope(Envelope envelope);

		String commands(List<Command> commands);

		String byName(Map<String, Command> commands);

		String box(Box<?> box);

		String text(String text);

		String prompt(Prompt prompt);

		String turnOn(TurnOn command);

		String mode(Mode mode);

		String bytes(byte[] bytes);

		String onList(List<TurnOn> commands);

	}

	sealed interface Command permits TurnOn, TurnOff {
	}

	record TurnOn(String device) implements Command {
	}

	record TurnOff(String device) implements Command {
	}

	record Envelope(Command command, int priority) {
	}

	record Box<T>(T value) {
	}

	enum Mode {

		ON, OFF

	}

}
