package dev.llmcache.key;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the keys of fixed requests. Entries live in Redis across deployments, so a change to any of
 * these hashes orphans every stored entry: if one fails, the canonical form changed, and that
 * change must come with a new {@link CacheKey#FORMAT_VERSION} (and new golden values here).
 */
class GoldenKeysTests {

	private static final Map<String, String> GOLDEN = golden();

	private static Map<String, String> golden() {
		Map<String, String> golden = new LinkedHashMap<>();
		// Format 2 (CacheKey.FORMAT_VERSION): every hash changed deliberately, see docs/keys.md.
		golden.put("string", "bdd459f758cd090f8ec4c12d233d1ff0b661d4f03ad2234c1f3d68435e96fd9f");
		golden.put("record", "15f1aec55090c2a5b4f2d3b7a0d87945a1168f9155490754965a6cdbd02238e0");
		golden.put("prompt", "c0910be6e470c52cc79dc2e281e5e67dfc22d497a10068882d64c42a69a0d687");
		golden.put("map", "e3eaaedf82c4424cc4b36079619edf841d22717be87ad902bbe467e5b533a02a");
		golden.put("messages", "1d0d007765cc96edac7fab37ec1470b786f61e9ee062b32019d07317a5be3b56");
		golden.put("tools", "60511fe1a65adac6a5b14a5368dfaab17a5224a97f262f9ccd34530f9c727279");
		golden.put("values", "de4ce8a757ccc38fb12c590ea884f4b6af126caf8e2b7514036cec6c1818960b");
		golden.put("sealed", "aa600dcd9ad459044ffbedae87dbf1e6324775e0a577e76b31c213a04da4ba42");
		golden.put("code", "5af179c48038783bec8ccb7de9d4db9fd3b3d31527f30d7a58583269cba742d8");
		golden.put("placeholders", "95e4e8fcf0d5d03aca4c4ebc708be788140b9078331af7fccca83020f28e3e6c");
		golden.put("model", "ee23f09ecfd0b79de42db4d6b810ccf2f017c352b88bbefb28e564e155a571f8");
		return golden;
	}

	@Test
	void keysOfFixedRequestsNeverChange() {
		DefaultLlmCacheKeyGenerator generator = GoldenKeys.generator();
		Map<String, String> actual = new LinkedHashMap<>();
		GoldenKeys.requests().forEach((name, request) -> actual.put(name, generator.generate(request).hash()));
		assertThat(actual).containsExactlyEntriesOf(GOLDEN);
	}

	@Test
	void canonicalFormOfAPromptIsPinned() {
		KeyRequest request = GoldenKeys.requests().get("prompt");
		assertThat(GoldenKeys.generator().canonicalForm(request)).isEqualTo("{\"args\":[{\"@type\":\"prompt\","
				+ "\"messages\":[{\"role\":\"system\",\"text\":\"You answer in one word.\"},"
				+ "{\"role\":\"user\",\"text\":\"Capital of France?\"}],"
				+ "\"options\":{\"@type\":\"org.springframework.ai.openai.OpenAiChatOptions\",\"gitHubModels\":false,"
				+ "\"microsoftFoundry\":false,\"model\":\"gpt-4o-mini\",\"temperature\":0}}],\"model\":null,"
				+ "\"ns\":\"golden\",\"p\":null,\"v\":2}");
	}

	@Test
	void canonicalFormsOfFormatTwoArePinned() {
		DefaultLlmCacheKeyGenerator generator = GoldenKeys.generator();
		Map<String, KeyRequest> requests = GoldenKeys.requests();
		assertThat(generator.canonicalForm(requests.get("sealed"))).isEqualTo("{\"args\":[["
				+ "{\"@type\":\"dev.llmcache.key.GoldenKeys$TurnOn\",\"device\":\"lamp\"},"
				+ "{\"@type\":\"dev.llmcache.key.GoldenKeys$TurnOff\",\"device\":\"lamp\"}]],"
				+ "\"model\":null,\"ns\":\"golden\",\"p\":null,\"v\":2}");
		assertThat(generator.canonicalForm(requests.get("code"))).isEqualTo("{\"args\":["
				+ "\"Fix this:\\n```python\\ndef f(x):\\n    return  x\\n```\"],"
				+ "\"model\":null,\"ns\":\"golden\",\"p\":null,\"v\":2}");
		assertThat(generator.canonicalForm(requests.get("placeholders"))).isEqualTo("{\"args\":["
				+ "\"Cancel order \u27e61\u27e7 now\"],\"model\":null,\"ns\":\"golden\",\"p\":null,\"v\":2}");
	}

	@Test
	void aFreshJvmWithAnotherLocaleTimeZoneAndCharsetComputesTheSameKeys() throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		ProcessBuilder builder = new ProcessBuilder(java, "-Duser.language=tr", "-Duser.country=TR",
				"-Duser.timezone=Pacific/Kiritimati", "-Dfile.encoding=ISO-8859-1",
				"-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2", "-cp",
				System.getProperty("java.class.path"), GoldenKeysPrinter.class.getName());
		builder.redirectErrorStream(true);
		Process process = builder.start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
			reader.lines().forEach(lines::add);
		}
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
		List<String> expected = new ArrayList<>();
		GOLDEN.forEach((name, hash) -> expected.add(name + "=" + hash));
		assertThat(lines).containsExactlyElementsOf(expected);
	}

}
