package dev.llmcache.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

/**
 * A headless Chromium driven through its DevTools protocol over a WebSocket
 * ({@code java.net.http.WebSocket}): navigate, evaluate JavaScript, wait for a condition, take a
 * screenshot. Enough for one end-to-end test, no browser-driver dependency.
 */
final class Chromium implements AutoCloseable {

	private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Process process;

	private final Path profile;

	private final WebSocket socket;

	private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	private Chromium(Process process, Path profile, WebSocket socket) {
		this.process = process;
		this.profile = profile;
		this.socket = socket;
	}

	/** The Chromium binary: $CHROMIUM_BIN, or chromium / chromium-browser / google-chrome on the PATH. */
	static String findBinary() {
		String explicit = System.getenv("CHROMIUM_BIN");
		if (explicit != null && !explicit.isBlank()) {
			return explicit;
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
				File candidate = new File(dir, name);
				if (candidate.canExecute()) {
					return candidate.getAbsolutePath();
				}
			}
		}
		throw new IllegalStateException("Chromium not found on the PATH: this end-to-end test needs it. "
				+ "Install it with 'apt-get update && apt-get install -y chromium' (.ci/run does), "
				+ "or point CHROMIUM_BIN at a Chromium binary.");
	}

	static Chromium launch() throws Exception {
		Path profile = Files.createTempDirectory("llmcache-chromium-");
		Process process = new ProcessBuilder(findBinary(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--disable-quic", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
				"--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1280,1100", "about:blank")
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			String browserUrl = awaitDevToolsUrl(process);
			URI browser = URI.create(browserUrl);
			HttpClient http = HttpClient.newHttpClient();
			String pageUrl = null;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (pageUrl == null && System.nanoTime() < deadline) {
				String list = http.send(HttpRequest
					.newBuilder(URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list"))
					.build(), HttpResponse.BodyHandlers.ofString()).body();
				for (JsonNode target : json.readTree(list)) {
					if ("page".equals(target.path("type").asString())) {
						pageUrl = target.path("webSocketDebuggerUrl").asString();
					}
				}
				if (pageUrl == null) {
					Thread.sleep(100);
				}
			}
			if (pageUrl == null) {
				throw new IllegalStateException("Chromium opened no page target");
			}
			Listener listener = new Listener();
			WebSocket socket = http.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(10))
				.buildAsync(URI.create(pageUrl), listener)
				.get(10, TimeUnit.SECONDS);
			Chromium chromium = new Chromium(process, profile, socket);
			listener.chromium = chromium;
			return chromium;
		}
		catch (Exception ex) {
			process.destroyForcibly();
			FileSystemUtils.deleteRecursively(profile);
			throw ex;
		}
	}

	private static String awaitDevToolsUrl(Process process) throws Exception {
		CompletableFuture<String> url = new CompletableFuture<>();
		StringBuilder seen = new StringBuilder();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					Matcher matcher = DEVTOOLS.matcher(line);
					if (matcher.find()) {
						url.complete(matcher.group(1));
					}
					else if (!url.isDone()) {
						seen.append(line).append('\n');
					}
				}
				url.completeExceptionally(new IllegalStateException("Chromium exited before listening: " + seen));
			}
			catch (IOException ex) {
				url.completeExceptionally(ex);
			}
		}, "chromium-stderr");
		reader.setDaemon(true);
		reader.start();
		return url.get(30, TimeUnit.SECONDS);
	}

	/** Sends one DevTools command and waits for its result. */
	JsonNode send(String method, Map<String, Object> params) throws Exception {
		int id = this.ids.incrementAndGet();
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.pending.put(id, reply);
		this.socket.sendText(json.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
			.get(10, TimeUnit.SECONDS);
		JsonNode message = reply.get(30, TimeUnit.SECONDS);
		if (message.has("error")) {
			throw new IllegalStateException(method + " failed: " + message.get("error"));
		}
		return message.path("result");
	}

	void navigate(String url) throws Exception {
		send("Page.enable", Map.of());
		send("Page.navigate", Map.of("url", url));
		await("document.readyState === 'complete'", "true"::equals, Duration.ofSeconds(20));
	}

	/** Evaluates an expression in the page and returns its value as a string. */
	String eval(String expression) throws Exception {
		JsonNode result = send("Runtime.evaluate",
				Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
		if (result.has("exceptionDetails")) {
			throw new IllegalStateException("'" + expression + "' threw: " + result.get("exceptionDetails"));
		}
		JsonNode value = result.path("result").path("value");
		return value.isMissingNode() || value.isNull() ? null : value.asString();
	}

	/** Polls an expression until its value satisfies the condition; returns that value. */
	String await(String expression, Predicate<String> condition, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		String value = eval(expression);
		while (!condition.test(value)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting on '" + expression
						+ "', last value: " + value);
			}
			Thread.sleep(50);
			value = eval(expression);
		}
		return value;
	}

	byte[] screenshot() throws Exception {
		JsonNode result = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
		return Base64.getDecoder().decode(result.path("data").asString());
	}

	@Override
	public void close() {
		this.socket.abort();
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		FileSystemUtils.deleteRecursively(this.profile.toFile());
	}

	private void received(String text) {
		JsonNode message = json.readTree(text);
		if (message.has("id")) {
			CompletableFuture<JsonNode> reply = this.pending.remove(message.get("id").asInt());
			if (reply != null) {
				reply.complete(message);
			}
		}
	}

	private static final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		private volatile Chromium chromium;

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				if (this.chromium != null) {
					this.chromium.received(text);
				}
			}
			socket.request(1);
			return null;
		}

	}

}
