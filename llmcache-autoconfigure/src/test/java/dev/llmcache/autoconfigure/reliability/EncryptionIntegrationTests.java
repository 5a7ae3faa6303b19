package dev.llmcache.autoconfigure.reliability;

import java.util.Base64;

import dev.llmcache.autoconfigure.AskService;
import dev.llmcache.autoconfigure.LlmCacheContexts;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code llmcache.encryption.*} set, what lands in Redis is ciphertext, another instance with
 * the key reads it, keys rotate by id, and an instance without the key treats it as a miss.
 */
class EncryptionIntegrationTests {

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private static final String KEY_1 = Base64.getEncoder().encodeToString(new byte[32]);

	private static final String KEY_2 = Base64.getEncoder().encodeToString("another-32-byte-key-for-rotation".getBytes());

	@Test
	void storedValuesAreCiphertextReadableOnlyWithTheKey() {
		server.setContent("The patient's diagnosis is confidential.");
		LlmCacheContexts.withRedis(server, redis)
			.withPropertyValues("llmcache.l1.enabled=false", "llmcache.encryption.enabled=true",
					"llmcache.encryption.active-key-id=k1", "llmcache.encryption.keys.k1=" + KEY_1)
			.run(first -> {
				first.getBean(AskService.class).faq("What is my diagnosis?");
				String stored = redis.command("GET", redis.command("KEYS", "llmcache:e:*").trim());
				assertThat(stored).contains("\"kid\":\"k1\"").doesNotContain("diagnosis", "confidential");

				LlmCacheContexts.withRedis(server, redis)
					.withPropertyValues("llmcache.l1.enabled=false", "llmcache.encryption.enabled=true",
							"llmcache.encryption.active-key-id=k2", "llmcache.encryption.keys.k1=" + KEY_1,
							"llmcache.encryption.keys.k2=" + KEY_2)
					.run(rotated -> assertThat(rotated.getBean(AskService.class).faq("What is my diagnosis?"))
						.isEqualTo("The patient's diagnosis is confidential."));
				assertThat(server.requestCount()).as("the rotated instance read the k1 entry").isEqualTo(1);

				LlmCacheContexts.withRedis(server, redis)
					.withPropertyValues("llmcache.l1.enabled=false", "llmcache.encryption.enabled=true",
							"llmcache.encryption.active-key-id=k2", "llmcache.encryption.keys.k2=" + KEY_2)
					.run(withoutOldKey -> assertThat(withoutOldKey.getBean(AskService.class).faq("What is my diagnosis?"))
						.isEqualTo("The patient's diagnosis is confidential."));
				assertThat(server.requestCount()).as("without k1 the entry is a miss").isEqualTo(2);
			});
	}

}
