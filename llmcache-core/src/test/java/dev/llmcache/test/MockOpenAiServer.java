package dev.llmcache.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local, OpenAI-compatible chat completions server that counts requests. Backed by
 * the JDK {@link HttpServer} on {@code 127.0.0.1}, a free port, and a cached thread
 * pool, so concurrent requests are served concurrently.
 *
 * <p>
 * Give {@link #baseUrl()} ({@code http://127.0.0.1:<port>/v1}) to the OpenAI client as
 * its base URL: the OpenAI Java SDK posts to {@code <baseUrl>/chat/completions}. Any
 * {@code POST .../chat/completions} is answered; other paths get a 404 error JSON and
 * are not counted.
 *
 * <p>
 * <b>Default reply</b> (deterministic): content
 * {@code "Answer to: <last user message> (model=<model>, temperature=<temperature or none>)"}
 * (see {@link #expectedAnswer(String)}), {@code finish_reason} {@code "stop"}, usage
 * {@code prompt_tokens = ceil(chars of all message contents / 4)},
 * {@code completion_tokens = ceil(chars of the content / 4)} and their sum; id
 * {@code chatcmpl-mock-<n>}, {@code created} and {@code model} echoed.
 *
 * <p>
 * <b>Streaming</b> ({@code "stream": true}): {@code text/event-stream} in the
 * {@code chat.completion.chunk} format: one chunk per word (the first also carries
 * {@code role: assistant}), {@link #setChunkDelay(Duration) chunkDelay} apart, then a
 * chunk with the finish reason, then a usage chunk (empty {@code choices}) if
 * {@code stream_options.include_usage} is true, then {@code data: [DONE]}.
 *
 * <p>
 * Controls are sticky until changed or {@link #reset()}, except
 * {@link #failNextRequests(int, int)}, which is used up request by request. Every
 * received chat completion request is counted (and its body recorded) as soon as it
 * has been read, before any delay, including requests answered with an error.
 */
public final class MockOpenAiServer implements AutoCloseable {

	/** The model assumed when a request names none. */
	public static final String DEFAULT_MODEL = "gpt-4o-mini";

	/** The tool the {@link #replyWithToolCall(boolean) tool call reply} calls. */
	public static final String TOOL_NAME = "get_weather";

	/** The arguments of the tool call reply. */
	public static final String TOOL_ARGUMENTS = "{\"location\":\"Paris\"}";

	private static final Duration DEFAULT_CHUNK_DELAY = Duration.ofMillis(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static {
		// Small SSE writes otherwise wait for delayed ACKs (Nagle): ~40 ms per response.
		// Read once by the JDK server, so only effective before its first use.
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final HttpServer server;

	private final ExecutorService executor;

	private final AtomicInteger requestCount = new AtomicInteger();

	private final List<String> requestBodies = Collections.synchronizedList(new ArrayList<>());

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private volatile int failureStatus = 500;

	private volatile Duration delay = Duration.ZERO;

	private volatile Duration chunkDelay = DEFAULT_CHUNK_DELAY;

	private volatile String finishReason = "stop";

	private volatile boolean toolCall;

	private volatile int failStreamAfterChunks = -1;

	private volatile @Nullable String content;

	private volatile @Nullable Function<ChatRequest, String> responder;

	private MockOpenAiServer(HttpServer server, ExecutorService executor) {
		this.server = server;
		this.executor = executor;
	}

	/** Starts a server on a free loopback port. */
	public static MockOpenAiServer start() {
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
			Thread thread = new Thread(runnable, "mock-openai-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 100);
			MockOpenAiServer mock = new MockOpenAiServer(server, executor);
			server.createContext("/", mock::handle);
			server.setExecutor(executor);
			server.start();
			return mock;
		}
		catch (IOException ex) {
			executor.shutdownNow();
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The default answer for a request whose last user message is {@code userMessage},
	 * with model {@value #DEFAULT_MODEL} and no temperature.
	 */
	public static String expectedAnswer(String userMessage) {
		return expectedAnswer(userMessage, DEFAULT_MODEL, null);
	}

	/**
	 * The default answer. {@code temperature} is rendered as the JSON number the client
	 * sent ({@code Double.toString} for what the OpenAI SDK sends), {@code none} if
	 * absent.
	 */
	public static String expectedAnswer(String userMessage, String model, @Nullable Double temperature) {
		return answer(userMessage, model, (temperature != null) ? temperature.toString() : "none");
	}

	private static String answer(String userMessage, String model, String temperature) {
		return "Answer to: " + userMessage + " (model=" + model + ", temperature=" + temperature + ")";
	}

	// ---------------------------------------------------------------- accessors

	/** {@code http://127.0.0.1:<port>/v1}, the base URL to give the OpenAI client. */
	public String baseUrl() {
		return "http://127.0.0.1:" + port() + "/v1";
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/** Chat completion requests received so far (including failed ones). */
	public int requestCount() {
		return this.requestCount.get();
	}

	/** The raw JSON bodies of the chat completion requests, in arrival order. */
	public List<String> requestBodies() {
		synchronized (this.requestBodies) {
			return List.copyOf(this.requestBodies);
		}
	}

	/** The last request body, parsed; {@code null} if there was none. */
	public @Nullable JsonNode lastRequest() {
		List<String> bodies = requestBodies();
		return bodies.isEmpty() ? null : JSON.readTree(bodies.get(bodies.size() - 1));
	}

	// ---------------------------------------------------------------- controls

	/** Clears the count and the recorded bodies, and sets every control back to its default. */
	public void reset() {
		this.requestCount.set(0);
		this.requestBodies.clear();
		this.failuresLeft.set(0);
		this.failureStatus = 500;
		this.delay = Duration.ZERO;
		this.chunkDelay = DEFAULT_CHUNK_DELAY;
		this.finishReason = "stop";
		this.toolCall = false;
		this.failStreamAfterChunks = -1;
		this.content = null;
		this.responder = null;
	}

	/** Latency before each response (after the request is counted). */
	public void setDelay(Duration delay) {
		this.delay = Objects.requireNonNull(delay);
	}

	/** Pause between two streamed chunks (default 5 ms). */
	public void setChunkDelay(Duration chunkDelay) {
		this.chunkDelay = Objects.requireNonNull(chunkDelay);
	}

	/** The {@code finish_reason} of text replies, e.g. {@code "length"}, {@code "content_filter"}. */
	public void setFinishReason(String finishReason) {
		this.finishReason = Objects.requireNonNull(finishReason);
	}

	/**
	 * When {@code true}, replies are an assistant message without content and with one
	 * tool call ({@value #TOOL_NAME}, arguments {@value #TOOL_ARGUMENTS}, id
	 * {@code call_mock_<n>}) and {@code finish_reason} {@code "tool_calls"}.
	 */
	public void replyWithToolCall(boolean toolCall) {
		this.toolCall = toolCall;
	}

	/**
	 * The next {@code count} requests get {@code httpStatus} and an OpenAI-style error
	 * JSON ({@code {"error":{"message":"Mock OpenAI failure (HTTP 500)",...}}}).
	 */
	public void failNextRequests(int count, int httpStatus) {
		if (httpStatus < 400 || httpStatus > 599) {
			throw new IllegalArgumentException("Not an error status: " + httpStatus);
		}
		this.failureStatus = httpStatus;
		this.failuresLeft.set(count);
	}

	/** A fixed content for every reply, or {@code null} for the default answer. */
	public void setContent(@Nullable String content) {
		this.content = content;
	}

	/**
	 * Chooses the content per request (wins over {@link #setContent(String)}), or
	 * {@code null} for the default.
	 */
	public void setResponder(@Nullable Function<ChatRequest, String> responder) {
		this.responder = responder;
	}

	/**
	 * Streaming replies break off after {@code chunks} content chunks: the connection
	 * is closed in the middle of the chunked response, without finish reason, usage or
	 * {@code [DONE]}, so the client sees an error. A negative value turns this off.
	 */
	public void failStreamAfterChunks(int chunks) {
		this.failStreamAfterChunks = chunks;
	}

	/** Stops the server at once. */
	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "MockOpenAiServer[" + baseUrl() + "]";
	}

	// ---------------------------------------------------------------- handling

	private void handle(HttpExchange exchange) throws IOException {
		boolean abort = false;
		try {
			String path = exchange.getRequestURI().getPath();
			if (!"POST".equalsIgnoreCase(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
				exchange.getRequestBody().readAllBytes();
				sendError(exchange, 404, "Unknown endpoint: " + exchange.getRequestMethod() + " " + path);
				return;
			}
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			int number;
			synchronized (this.requestBodies) {
				number = this.requestCount.incrementAndGet();
				this.requestBodies.add(body);
			}
			JsonNode json;
			try {
				json = JSON.readTree(body);
			}
			catch (JacksonException ex) {
				sendError(exchange, 400, "Request body is not JSON: " + ex.getOriginalMessage());
				return;
			}
			sleep(this.delay);
			if (this.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
				int status = this.failureStatus;
				sendError(exchange, status, "Mock OpenAI failure (HTTP " + status + ")");
				return;
			}
			ChatRequest request = ChatRequest.of(number, json);
			if (request.stream()) {
				abort = !stream(exchange, request);
			}
			else {
				reply(exchange, request);
			}
		}
		catch (RuntimeException | IOException ex) {
			abort = true;
			throw ex;
		}
		finally {
			if (!abort) {
				exchange.close();
			}
		}
		if (abort) {
			// Throwing out of the handler makes the JDK server close the connection
			// without ending the chunked body: the client sees a truncated stream.
			throw new IOException("Mock OpenAI stream aborted on purpose");
		}
	}

	private void reply(HttpExchange exchange, ChatRequest request) throws IOException {
		ObjectNode completion = JSON.createObjectNode();
		completion.put("id", id(request));
		completion.put("object", "chat.completion");
		completion.put("created", Instant.now().getEpochSecond());
		completion.put("model", request.model());
		completion.put("system_fingerprint", "fp_mock");
		ObjectNode choice = completion.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		String text;
		if (this.toolCall) {
			message.putNull("content");
			ObjectNode call = message.putArray("tool_calls").addObject();
			call.put("id", "call_mock_" + request.number());
			call.put("type", "function");
			call.putObject("function").put("name", TOOL_NAME).put("arguments", TOOL_ARGUMENTS);
			text = TOOL_ARGUMENTS;
			choice.put("finish_reason", "tool_calls");
		}
		else {
			text = content(request);
			message.put("content", text);
			choice.put("finish_reason", this.finishReason);
		}
		message.putNull("refusal");
		choice.putNull("logprobs");
		completion.set("usage", usage(request, text));
		byte[] bytes = JSON.writeValueAsBytes(completion);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/** Returns {@code false} if the stream was cut off on purpose. */
	private boolean stream(HttpExchange exchange, ChatRequest request) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-cache");
		exchange.sendResponseHeaders(200, 0);
		OutputStream out = exchange.getResponseBody();
		int failAfter = this.failStreamAfterChunks;
		Duration pause = this.chunkDelay;
		String text;
		String finish;
		List<ObjectNode> deltas = new ArrayList<>();
		if (this.toolCall) {
			text = TOOL_ARGUMENTS;
			finish = "tool_calls";
			ObjectNode first = JSON.createObjectNode();
			first.put("role", "assistant");
			first.putNull("content");
			ObjectNode call = first.putArray("tool_calls").addObject();
			call.put("index", 0);
			call.put("id", "call_mock_" + request.number());
			call.put("type", "function");
			call.putObject("function").put("name", TOOL_NAME).put("arguments", "");
			deltas.add(first);
			int half = TOOL_ARGUMENTS.length() / 2;
			for (String part : List.of(TOOL_ARGUMENTS.substring(0, half), TOOL_ARGUMENTS.substring(half))) {
				ObjectNode delta = JSON.createObjectNode();
				delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", part);
				deltas.add(delta);
			}
		}
		else {
			text = content(request);
			finish = this.finishReason;
			List<String> words = words(text);
			for (int i = 0; i < words.size(); i++) {
				ObjectNode delta = JSON.createObjectNode();
				if (i == 0) {
					delta.put("role", "assistant");
				}
				delta.put("content", words.get(i));
				deltas.add(delta);
			}
		}
		for (int i = 0; i < deltas.size(); i++) {
			if (failAfter >= 0 && i >= failAfter) {
				out.flush();
				return false;
			}
			if (i > 0) {
				sleep(pause);
			}
			send(out, chunk(request, deltas.get(i), null));
		}
		if (failAfter >= 0) {
			// all content chunks went out, cut off before the finish reason
			out.flush();
			return false;
		}
		sleep(pause);
		send(out, chunk(request, JSON.createObjectNode(), finish));
		if (request.body().path("stream_options").path("include_usage").asBoolean(false)) {
			ObjectNode usageChunk = chunkHeader(request);
			usageChunk.putArray("choices");
			usageChunk.set("usage", usage(request, text));
			send(out, usageChunk);
		}
		out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
		out.flush();
		out.close();
		return true;
	}

	private ObjectNode chunk(ChatRequest request, ObjectNode delta, @Nullable String finish) {
		ObjectNode chunk = chunkHeader(request);
		ObjectNode choice = chunk.putArray("choices").addObject();
		choice.put("index", 0);
		choice.set("delta", delta);
		choice.putNull("logprobs");
		if (finish != null) {
			choice.put("finish_reason", finish);
		}
		else {
			choice.putNull("finish_reason");
		}
		return chunk;
	}

	private ObjectNode chunkHeader(ChatRequest request) {
		ObjectNode chunk = JSON.createObjectNode();
		chunk.put("id", id(request));
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", Instant.now().getEpochSecond());
		chunk.put("model", request.model());
		chunk.put("system_fingerprint", "fp_mock");
		return chunk;
	}

	private static void send(OutputStream out, ObjectNode event) throws IOException {
		out.write(("data: " + JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private String content(ChatRequest request) {
		Function<ChatRequest, String> chooser = this.responder;
		if (chooser != null) {
			return chooser.apply(request);
		}
		String fixed = this.content;
		return (fixed != null) ? fixed : request.defaultAnswer();
	}

	private static ObjectNode usage(ChatRequest request, String completion) {
		int prompt = tokens(request.promptCharacters());
		int completionTokens = tokens(completion.length());
		ObjectNode usage = JSON.createObjectNode();
		usage.put("prompt_tokens", prompt);
		usage.put("completion_tokens", completionTokens);
		usage.put("total_tokens", prompt + completionTokens);
		return usage;
	}

	private static int tokens(int characters) {
		return (characters + 3) / 4;
	}

	private static String id(ChatRequest request) {
		return "chatcmpl-mock-" + request.number();
	}

	/** Splits before every whitespace run, so the pieces join back to the text. */
	static List<String> words(String text) {
		if (text.isEmpty()) {
			return List.of("");
		}
		return List.of(text.split("(?<=\\S)(?=\\s)"));
	}

	private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
		ObjectNode root = JSON.createObjectNode();
		ObjectNode error = root.putObject("error");
		error.put("message", message);
		error.put("type", switch (status) {
			case 401 -> "invalid_authentication";
			case 404 -> "not_found_error";
			case 429 -> "rate_limit_exceeded";
			default -> (status < 500) ? "invalid_request_error" : "server_error";
		});
		error.putNull("param");
		error.put("code", String.valueOf(status));
		byte[] bytes = JSON.writeValueAsBytes(root);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void sleep(Duration duration) {
		if (duration.isZero() || duration.isNegative()) {
			return;
		}
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One received chat completion request, as given to a
	 * {@link #setResponder(Function) responder}.
	 *
	 * @param number the 1-based request number ({@link #requestCount()} after it arrived)
	 * @param body the parsed request JSON
	 * @param model the requested model ({@value #DEFAULT_MODEL} if none)
	 * @param temperature the temperature as sent, {@code null} if absent
	 * @param lastUserMessage the text of the last {@code user} message ({@code ""} if none)
	 * @param stream whether a streamed reply was asked for
	 */
	public record ChatRequest(int number, JsonNode body, String model, @Nullable String temperature,
			String lastUserMessage, boolean stream) {

		static ChatRequest of(int number, JsonNode body) {
			JsonNode modelNode = body.path("model");
			String model = modelNode.isString() ? modelNode.stringValue() : DEFAULT_MODEL;
			JsonNode temperatureNode = body.path("temperature");
			String temperature = (temperatureNode.isMissingNode() || temperatureNode.isNull()) ? null
					: temperatureNode.asString();
			String lastUser = "";
			for (JsonNode message : body.path("messages")) {
				if ("user".equals(message.path("role").asString(""))) {
					lastUser = text(message.path("content"));
				}
			}
			return new ChatRequest(number, body, model, temperature, lastUser, body.path("stream").asBoolean(false));
		}

		/** The default answer for this request. */
		public String defaultAnswer() {
			return answer(this.lastUserMessage, this.model, (this.temperature != null) ? this.temperature : "none");
		}

		/** The texts of all messages. */
		public List<String> messageTexts() {
			List<String> texts = new ArrayList<>();
			for (JsonNode message : this.body.path("messages")) {
				texts.add(text(message.path("content")));
			}
			return texts;
		}

		int promptCharacters() {
			return messageTexts().stream().mapToInt(String::length).sum();
		}

		private static String text(JsonNode content) {
			if (content.isString()) {
				return content.stringValue();
			}
			if (content.isArray()) {
				StringBuilder text = new StringBuilder();
				for (JsonNode part : content) {
					JsonNode partText = part.path("text");
					if (partText.isString()) {
						text.append(partText.stringValue());
					}
				}
				return text.toString();
			}
			return "";
		}

	}

}
