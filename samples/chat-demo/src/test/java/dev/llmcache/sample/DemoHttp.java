package dev.llmcache.sample;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A few plain HTTP calls against the running demo. */
final class DemoHttp {

	private final HttpClient client = HttpClient.newHttpClient();

	private final String base;

	DemoHttp(int port) {
		this.base = "http://localhost:" + port;
	}

	HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> post(String path) throws Exception {
		return this.client.send(
				HttpRequest.newBuilder(URI.create(this.base + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> ask(String question, String via) throws Exception {
		return get("/api/ask?via=" + via + "&q=" + URLEncoder.encode(question, StandardCharsets.UTF_8));
	}

	HttpResponse<String> stream(String question) throws Exception {
		return get("/api/ask/stream?q=" + URLEncoder.encode(question, StandardCharsets.UTF_8));
	}

}
