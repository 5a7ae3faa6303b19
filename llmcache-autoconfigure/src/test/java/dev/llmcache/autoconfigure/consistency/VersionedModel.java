package dev.llmcache.autoconfigure.consistency;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmcache.test.MockOpenAiServer;

/**
 * The mock model answering from data that changes: every answer names the version of the data it
 * was computed from ({@code "v3 What is the price?"}), read when the request arrives. A request can
 * be held after it read its version, as a slow model call that started before the data changed.
 */
final class VersionedModel {

	private final AtomicInteger version = new AtomicInteger(1);

	private final ConcurrentHashMap<String, Hold> holds = new ConcurrentHashMap<>();

	private VersionedModel() {
	}

	/** Answer every request of the server from now on. */
	static VersionedModel answering(MockOpenAiServer server) {
		VersionedModel model = new VersionedModel();
		server.setResponder(request -> model.answer(request.lastUserMessage()));
		return model;
	}

	/** The data changes: answers computed from now on carry the next version. */
	int change() {
		return this.version.incrementAndGet();
	}

	int current() {
		return this.version.get();
	}

	/** Hold the next request for this question after it read its version, until released. */
	Hold hold(String question) {
		Hold hold = new Hold();
		this.holds.put(question, hold);
		return hold;
	}

	static int versionOf(String answer) {
		if (!answer.startsWith("v") || answer.indexOf(' ') < 0) {
			throw new IllegalArgumentException("Not a versioned answer: " + answer);
		}
		return Integer.parseInt(answer.substring(1, answer.indexOf(' ')));
	}

	private String answer(String question) {
		int read = this.version.get();
		Hold hold = this.holds.remove(question);
		if (hold != null) {
			hold.reached.countDown();
			try {
				hold.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return "v" + read + " " + question;
	}

	/** A request held in the model. */
	static final class Hold {

		private final CountDownLatch reached = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		/** Wait until the held request has read its version. */
		void awaitReached() throws InterruptedException {
			if (!this.reached.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The held request never reached the model");
			}
		}

		void release() {
			this.release.countDown();
		}

	}

	static Duration patience() {
		return Duration.ofSeconds(10);
	}

}
