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
		golden.put("string", "ecfca36511fb1ea2c60e8620fbde2617f3f647f17d02a4ad2c1f3207d5dd19fc");
		golden.put("record", "aced4955a015941e7dfb00a5ab96cfd9db22346e60bcef7105de6a43e5de838e");
		golden.put("prompt", "703daadc10d8002b3b566fc8b0c65eed647b0b7e6e3c6e47fb16f47e17684a53");
		golden.put("map", "207451f64bbe78afe1cb040b98053592ad840b69d65e7fa688796f0849d08f2f");
		golden.put("messages", "e35152413757f252640c069b34d4563cb9c14b9dc7f20b5b511da25121db7710");
		golden.put("tools", "356741efe2b49ac8ebc7fba78f7832bc11b1f9fb8324455173799188f43b3572");
		golden.put("values", "34136cd4f99440f57882cd1469c0ecda7e23ce8f58029543460b7f99292391b2");
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
				+ "\"options\":{\"model\":\"gpt-4o-mini\",\"temperature\":0}}],\"ns\":\"golden\",\"p\":null,\"v\":1}");
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
