package dev.llmcache.key;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.GraphLayout;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * The key memo's byte bound against the heap: JOL measures what a memo of 2,000 keys retains per
 * key (arguments, frozen prompts, keys, Caffeine's nodes, less the empty memo), and the weight
 * counted against {@code llmcache.l1.key-memo-size} must be within 25% of it.
 */
class KeyMemoMemoryTests {

	static {
		// Caffeine holds lambdas (hidden classes), whose field offsets JOL cannot ask Unsafe for.
		System.setProperty("jol.magicFieldOffset", "true");
	}

	private static final int KEYS = 2000;

	private final DefaultLlmCacheKeyGenerator fresh = new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults(), 0);

	static Stream<Arguments> arguments() {
		String system = "You are a helpful assistant for the ACME support desk. Answer briefly.";
		return Stream.of(
				Arguments.of("String, 40 chars", (IntFunction<Object[]>) i -> new Object[] {
						"What is the capital of France? #" + i }),
				Arguments.of("String, 1,000 chars", (IntFunction<Object[]>) i -> new Object[] {
						"x".repeat(990) + " #" + i }),
				Arguments.of("String and 2 numbers", (IntFunction<Object[]>) i -> new Object[] {
						"Translate to German: good morning " + i, 0.7d, 256 + i }),
				Arguments.of("Prompt, system + user", (IntFunction<Object[]>) i -> new Object[] {
						new Prompt(List.of(new SystemMessage(system + " The customer is #" + i + "."),
								new UserMessage("How do I reset my password? " + i))) }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("arguments")
	void weightIsWithin25PercentOfTheRetainedHeap(String name, IntFunction<Object[]> values) {
		KeyMemo memo = new KeyMemo(Long.MAX_VALUE / 4);
		long empty = GraphLayout.parseInstance(memo).totalSize();
		long weight = 0;
		// The callers' objects, alive anyway while their request runs: only what the memo keeps counts.
		Object[][] requests = new Object[KEYS][];
		for (int i = 0; i < KEYS; i++) {
			requests[i] = values.apply(i);
		}
		for (int i = 0; i < KEYS; i++) {
			KeyRequest request = request(requests[i]);
			KeyMemo.Arguments arguments = memo.argumentsOf(request);
			assertThat(arguments).isNotNull();
			PlaceholderKey key = this.fresh.generateWithPlaceholders(request);
			memo.put(arguments, key);
		}
		weight = memo.weightedSize();
		assertThat(memo.size()).isEqualTo(KEYS);
		// Strings of the caller stay reachable from the memo: JOL counts them, and so does the weight.
		double retained = (double) (GraphLayout.parseInstance(memo).totalSize() - empty) / KEYS;
		double weighed = (double) weight / KEYS;
		System.out.printf("key memo | %s | retained %.0f B | weighed %.0f B | %+.1f%%%n", name, retained, weighed,
				100 * (weighed - retained) / retained);
		assertThat(weighed).as(name).isCloseTo(retained, withPercentage(25));
	}

	@org.junit.jupiter.api.Test
	void aSharedSystemPromptIsCountedInFullForEachKeySoTheBoundHolds() {
		String system = "You are a helpful assistant for the ACME support desk. Answer briefly.";
		KeyMemo memo = new KeyMemo(Long.MAX_VALUE / 4);
		long empty = GraphLayout.parseInstance(memo).totalSize();
		for (int i = 0; i < KEYS; i++) {
			KeyRequest request = request(new Object[] {
					new Prompt(List.of(new SystemMessage(system), new UserMessage("How do I reset my password? " + i))) });
			memo.put(memo.argumentsOf(request), this.fresh.generateWithPlaceholders(request));
		}
		double retained = (double) (GraphLayout.parseInstance(memo).totalSize() - empty) / KEYS;
		double weighed = (double) memo.weightedSize() / KEYS;
		System.out.printf("key memo | Prompt, shared system text + user | retained %.0f B | weighed %.0f B | %+.1f%%%n",
				retained, weighed, 100 * (weighed - retained) / retained);
		// The memo cannot tell a shared text from one of its own: it errs on the side of the bound.
		assertThat(weighed).isGreaterThanOrEqualTo(retained).isLessThan(retained * 1.5);
	}

	private static KeyRequest request(Object[] values) {
		KeyArgument[] arguments = new KeyArgument[values.length];
		for (int i = 0; i < values.length; i++) {
			arguments[i] = new KeyArgument("a" + i, values[i]);
		}
		return new KeyRequest("ns", null, true, method(), Arrays.asList(arguments));
	}

	private static java.lang.reflect.Method method() {
		try {
			return KeyMemoMemoryTests.class.getDeclaredMethod("target");
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unused")
	private static void target() {
	}

}
