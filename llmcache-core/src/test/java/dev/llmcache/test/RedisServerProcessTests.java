package dev.llmcache.test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisServerProcess} against a real Redis (process from the PATH here).
 */
class RedisServerProcessTests {

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void ensureRunningAndEmpty() {
		if (!redis.isRunning()) {
			redis.restart();
		}
		redis.flushAll();
	}

	@Test
	void startsAndAnswersCommands() {
		assertThat(redis.isRunning()).isTrue();
		assertThat(redis.host()).isEqualTo("127.0.0.1");
		assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
		assertThat(redis.command("PING")).isEqualTo("PONG");
		assertThat(redis.command("SET", "greeting", "hällo wörld")).isEqualTo("OK");
		assertThat(redis.command("GET", "greeting")).isEqualTo("hällo wörld");
		assertThat(redis.command("GET", "missing")).isNull();
		assertThat(redis.command("INCR", "counter")).isEqualTo("1");
		redis.command("RPUSH", "list", "a", "b");
		assertThat(redis.command("LRANGE", "list", "0", "-1")).isEqualTo("a\nb");
		assertThatThrownBy(() -> redis.command("NOSUCHCOMMAND")).isInstanceOf(RespClient.RedisErrorReplyException.class)
			.hasMessageStartingWith("ERR");
	}

	@Test
	void runsWithoutPersistence() {
		assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo("save\n");
		assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
	}

	@Test
	void flushAllEmptiesIt() {
		redis.command("SET", "a", "1");
		redis.flushAll();
		assertThat(redis.command("DBSIZE")).isEqualTo("0");
	}

	@Test
	void killThenRestartOnTheSamePortGivesAnEmptyServer() {
		int port = redis.port();
		redis.command("SET", "survivor", "no");

		redis.kill();

		assertThat(redis.isRunning()).isFalse();
		assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class)
			.hasCauseInstanceOf(ConnectException.class);

		redis.restart();

		assertThat(redis.isRunning()).isTrue();
		assertThat(redis.port()).isEqualTo(port);
		assertThat(redis.command("DBSIZE")).isEqualTo("0");
		assertThat(redis.command("GET", "survivor")).isNull();
	}

	@Test
	void stopIsGracefulAndRestartable() {
		redis.stop();
		assertThat(redis.isRunning()).isFalse();
		assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class)
			.hasCauseInstanceOf(ConnectException.class);
		redis.restart();
		assertThat(redis.command("PING")).isEqualTo("PONG");
	}

	@Test
	void pauseMakesCommandsTimeOutAndResumeBringsItBack() {
		redis.command("SET", "k", "v");
		redis.pause();
		try {
			assertThat(redis.isRunning()).as("a paused server is still alive").isTrue();
			long start = System.nanoTime();
			assertThatThrownBy(() -> redis.command(Duration.ofMillis(200), "GET", "k"))
				.isInstanceOf(UncheckedIOException.class)
				.hasCauseInstanceOf(SocketTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
		finally {
			redis.resume();
		}
		assertThat(redis.command("GET", "k")).isEqualTo("v");
	}

	@Test
	void killWorksOnAPausedServer() {
		redis.pause();
		redis.kill();
		assertThat(redis.isRunning()).isFalse();
		redis.restart();
		assertThat(redis.command("PING")).isEqualTo("PONG");
	}

	@Test
	void requirePassServerRequiresAuth() {
		try (RedisServerProcess secured = RedisServerProcess.start("--requirepass", "secret")) {
			assertThat(secured.password()).isEqualTo("secret");
			assertThat(secured.command("SET", "a", "b")).isEqualTo("OK");
			assertThat(secured.command("GET", "a")).isEqualTo("b");

			assertThatThrownBy(
					() -> RespClient.call(secured.host(), secured.port(), null, Duration.ofSeconds(2), "GET", "a"))
				.isInstanceOf(RespClient.RedisErrorReplyException.class)
				.hasMessageStartingWith("NOAUTH");
			assertThatThrownBy(
					() -> RespClient.call(secured.host(), secured.port(), "wrong", Duration.ofSeconds(2), "GET", "a"))
				.isInstanceOf(RespClient.RedisErrorReplyException.class);

			secured.kill();
			secured.restart();
			assertThat(secured.command("GET", "a")).as("restart keeps the password, loses the data").isNull();
		}
	}

	@Test
	void extraArgsArePassedOn() {
		try (RedisServerProcess small = RedisServerProcess.start("--maxmemory", "1mb", "--maxmemory-policy",
				"noeviction")) {
			assertThat(small.port()).isNotEqualTo(redis.port());
			assertThat(small.command("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n1048576");
			assertThat(small.command("CONFIG", "GET", "maxmemory-policy")).isEqualTo("maxmemory-policy\nnoeviction");
			String big = "x".repeat(64 * 1024);
			assertThatThrownBy(() -> {
				for (int i = 0; i < 64; i++) {
					small.command("SET", "big:" + i, big);
				}
			}).isInstanceOf(RespClient.RedisErrorReplyException.class).hasMessageStartingWith("OOM");
		}
	}

	@Test
	void closeKillsTheServer() {
		RedisServerProcess other = RedisServerProcess.start();
		int port = other.port();
		other.close();
		assertThat(other.isRunning()).isFalse();
		assertThatThrownBy(() -> RespClient.call("127.0.0.1", port, null, Duration.ofSeconds(1), "PING"))
			.isInstanceOf(UncheckedIOException.class);
		other.close();
	}

}
