package dev.llmcache.autoconfigure;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.metrics.LlmCacheMetricsAutoConfiguration;
import dev.llmcache.explain.KeyExplanation;
import dev.llmcache.explain.LlmCacheKeyExplainer;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The key explainer against the real interceptor infrastructure: it names exactly the entry a
 * call uses, and shows why two calls share an entry or not.
 */
class LlmCacheKeyExplainerTests {

	private static final AutoConfigurations EXPLAINER = AutoConfigurations.of(LlmCacheMetricsAutoConfiguration.class);

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	@Test
	void explainsFieldsBucketAndCanonicalFormOfACall() {
		LlmCacheContexts.withoutRedis(server).withConfiguration(EXPLAINER).run(context -> {
			LlmCacheKeyExplainer explainer = context.getBean(LlmCacheKeyExplainer.class);
			KeyExplanation explanation = explainer.explain(ChatModelAskService.class, "askAs", "alice",
					"What  is my balance?");
			assertThat(explanation.namespace())
				.isEqualTo(context.getBean(LlmCacheManager.class).namespaceOf(ChatModelAskService.class, "askAs"));
			assertThat(explanation.partition()).isEqualTo("alice");
			assertThat(explanation.fields()).containsExactly("user", "question");
			assertThat(explanation.normalized()).isTrue();
			assertThat(explanation.hash()).isEqualTo(context.getBean(LlmCacheManager.class)
				.keyFor(ChatModelAskService.class, "askAs", "alice", "What  is my balance?")
				.hash());
			assertThat(explanation.canonicalForm()).contains("What is my balance?");
			assertThat(explanation.toString()).doesNotContain("balance").contains("partition=alice");

			KeyExplanation spaced = explainer.explain(ChatModelAskService.class, "askAs", "alice", "What is my balance?");
			assertThat(spaced.hash()).isEqualTo(explanation.hash());
			KeyExplanation otherUser = explainer.explain(ChatModelAskService.class, "askAs", "bob", "What is my balance?");
			assertThat(otherUser.partition()).isEqualTo("bob");
		});
	}

	@Test
	void aKeyExpressionIsTheOnlyFieldAndAMissingPartitionIsABypass() {
		LlmCacheContexts.withoutRedis(server).withConfiguration(EXPLAINER).run(context -> {
			LlmCacheKeyExplainer explainer = context.getBean(LlmCacheKeyExplainer.class);
			assertThat(explainer.explain(ChatModelAskService.class, "conditional", "Hi", true).fields())
				.containsExactly("key");
			KeyExplanation bypassed = explainer.explain(ChatModelAskService.class, "askAs", "", "Hi");
			assertThat(bypassed.bypassed()).isTrue();
			assertThat(bypassed.hash()).isNull();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> explainer.explain(ChatModelAskService.class, "ask", 42))
				.withMessage("No @LlmCached method 'ask' accepting 1 argument(s) of the given types on "
						+ ChatModelAskService.class.getName());
		});
	}

}
