package dev.llmcache.key;

/**
 * Prints {@code name=hash} for every {@link GoldenKeys} request, one per line: run by
 * {@link GoldenKeysTests} in a fresh JVM to show that keys do not depend on the process that
 * computes them.
 */
public final class GoldenKeysPrinter {

	private GoldenKeysPrinter() {
	}

	public static void main(String[] args) {
		DefaultLlmCacheKeyGenerator generator = GoldenKeys.generator();
		GoldenKeys.requests()
			.forEach((name, request) -> System.out.println(name + "=" + generator.generate(request).hash()));
	}

}
