package dev.llmcache.test;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Redis and one mock OpenAI server for every test class of this JVM that registers the
 * extension, each reset (flushed, counter at zero) before every test. Sharing them keeps the suite
 * fast; both are stopped when the JVM exits.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RealParts parts = RealParts.shared();
 * }</pre>
 */
public final class RealParts implements BeforeEachCallback {

	private static final RealParts SHARED = new RealParts();

	private volatile MockOpenAiServer server;

	private volatile RedisServerProcess redis;

	private RealParts() {
	}

	public static RealParts shared() {
		return SHARED;
	}

	public synchronized MockOpenAiServer server() {
		if (this.server == null) {
			this.server = MockOpenAiServer.start();
			Runtime.getRuntime().addShutdownHook(new Thread(this.server::close));
		}
		return this.server;
	}

	public synchronized RedisServerProcess redis() {
		if (this.redis == null) {
			this.redis = RedisServerProcess.start();
		}
		return this.redis;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		server().reset();
		RedisServerProcess redis = redis();
		if (!redis.isRunning()) {
			redis.restart();
		}
		redis.flushAll();
	}

}
