package dev.llmcache.key;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;

class KeyMemoTests {

	private final DefaultLlmCacheKeyGenerator remembering = new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults());

	private final DefaultLlmCacheKeyGenerator fresh = new DefaultLlmCacheKeyGenerator(PromptNormalizer.defaults(), 0);

	private final KeyMemo memo = new KeyMemo(1024);

	@Test
	void rememberedKeysAreTheKeysBuiltFromScratch() {
		List<Object> arguments = List.of("  What is   the capital of France? ", "what is the capital of france?", 1, 1L,
				1.0, -0.0, 0.0, new BigDecimal("1.50"), new BigDecimal("1.5"), UUID.fromString(
						"123e4567-e89b-12d3-a456-426614174000"), Thread.State.NEW, 'x', true,
				prompt(new SystemMessage("Be brief."), new UserMessage("Hi  there")),
				prompt(new SystemMessage("Be brief."), new UserMessage("Hi there")),
				prompt(new UserMessage("Hi there"), new AssistantMessage("Hello"), new UserMessage("Bye")));
		for (boolean normalize : new boolean[] { true, false }) {
			for (Object argument : arguments) {
				KeyRequest request = request("ns", null, normalize, argument);
				CacheKey expected = this.fresh.generate(request);
				assertThat(this.remembering.generate(request)).isEqualTo(expected);
				assertThat(this.remembering.generate(request("ns", null, normalize, argument))).isEqualTo(expected);
			}
		}
	}

	@Test
	void namespacePartitionAndNormalizationAreRememberedApart() {
		String text = "Summarize  this.";
		assertThat(this.remembering.generate(request("a", null, true, text)))
			.isNotEqualTo(this.remembering.generate(request("b", null, true, text)));
		assertThat(this.remembering.generate(request("a", "t1", true, text)))
			.isNotEqualTo(this.remembering.generate(request("a", "t2", true, text)));
		assertThat(this.remembering.generate(request("a", null, false, text)))
			.isNotEqualTo(this.remembering.generate(request("a", null, true, text)))
			.isEqualTo(this.fresh.generate(request("a", null, false, text)));
	}

	@Test
	void aPromptChangedAfterItsCallIsNotAnsweredWithItsOldKey() {
		List<Message> history = new ArrayList<>(List.of(new UserMessage("First question")));
		Prompt prompt = new Prompt(history);
		CacheKey before = this.remembering.generate(request("ns", null, true, prompt));
		history.add(new AssistantMessage("First answer"));
		CacheKey after = this.remembering.generate(request("ns", null, true, prompt));
		assertThat(after).isNotEqualTo(before).isEqualTo(this.fresh.generate(request("ns", null, true, prompt)));
	}

	@Test
	void valuesWhoseEqualsImpliesTheirCanonicalFormAreRemembered() {
		for (Object value : List.of("text", 1, 2L, 0.5, 0.5f, (short) 1, (byte) 1, 'c', false,
				BigDecimal.ONE, UUID.randomUUID(), Thread.State.RUNNABLE,
				prompt(new SystemMessage("s"), new UserMessage("u"), new AssistantMessage("a")))) {
			assertThat(this.memo.argumentsOf(request("ns", null, true, value))).as(value.getClass().getName())
				.isNotNull();
		}
		assertThat(this.memo.argumentsOf(request("ns", null, true, null))).isNotNull();
	}

	@Test
	void mutableOrOpenValuesAreNotRemembered() {
		Media image = Media.builder().mimeType(MimeTypeUtils.IMAGE_PNG).data(new byte[] { 1, 2, 3 }).build();
		for (Object value : List.of(new StringBuilder("text"), new ArrayList<>(List.of("a")), new int[] { 1 },
				Arrays.asList("a", "b"), new Prompt("hi", ChatOptions.builder().model("m").build()),
				prompt(UserMessage.builder().text("look").media(image).build()),
				prompt(AssistantMessage.builder()
					.content("")
					.toolCalls(List.of(new AssistantMessage.ToolCall("1", "function", "f", "{}")))
					.build()),
				new Prompt(List.of(new UserMessage("u"))) {
				})) {
			assertThat(this.memo.argumentsOf(request("ns", null, true, value))).as(value.getClass().getName())
				.isNull();
		}
	}

	@Test
	void equalRawValuesOfDifferentTypesAreRememberedApart() {
		KeyMemo.Arguments integer = this.memo.argumentsOf(request("ns", null, true, 1));
		KeyMemo.Arguments longValue = this.memo.argumentsOf(request("ns", null, true, 1L));
		assertThat(integer).isNotEqualTo(longValue);
		assertThat(this.memo.argumentsOf(request("ns", null, true, "a")))
			.isEqualTo(this.memo.argumentsOf(request("ns", null, true, new String("a"))))
			.hasSameHashCodeAs(this.memo.argumentsOf(request("ns", null, true, new String("a"))));
	}

	@Test
	void theMemoIsBoundedByTheLengthOfWhatItRemembers() {
		for (int i = 0; i < 200; i++) {
			KeyMemo.Arguments arguments = this.memo.argumentsOf(request("ns", null, true, "question " + i + " ".repeat(90)));
			this.memo.put(arguments, this.fresh.generateWithPlaceholders(request("ns", null, true, "q" + i)));
		}
		int remembered = 0;
		for (int i = 0; i < 200; i++) {
			if (this.memo.get(this.memo.argumentsOf(request("ns", null, true, "question " + i + " ".repeat(90)))) != null) {
				remembered++;
			}
		}
		// About 400 bytes each: 100 characters, arguments, key and node.
		assertThat(remembered).isBetween(1, 1024 / 300);
	}

	private static Prompt prompt(Message... messages) {
		return new Prompt(List.of(messages));
	}

	private static KeyRequest request(String namespace, String partition, boolean normalize, Object argument) {
		return new KeyRequest(namespace, partition, normalize, method(), Arrays.asList(new KeyArgument("request", argument)));
	}

	private static Method method() {
		try {
			return KeyMemoTests.class.getDeclaredMethod("method");
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
