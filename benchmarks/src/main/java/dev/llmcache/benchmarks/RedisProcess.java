package dev.llmcache.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} from the PATH on a free loopback port, without persistence: the
 * same server the test suite's {@code RedisServerProcess} starts, without its fault controls and its
 * Docker fallback (which would pull Testcontainers into the benchmark jar).
 */
final class RedisProcess implements AutoCloseable {

	static final String HOST = "127.0.0.1";

	private final Process process;

	private final int port;

	private final Path dir;

	private RedisProcess(Process process, int port, Path dir) {
		this.process = process;
		this.port = port;
		this.dir = dir;
	}

	static RedisProcess start() {
		try {
			Path dir = Files.createTempDirectory("llmcache-bench-redis");
			int port = freePort();
			Process process = new ProcessBuilder("redis-server", "--save", "", "--appendonly", "no", "--bind", HOST,
					"--port", String.valueOf(port), "--dir", dir.toString())
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
			RedisProcess redis = new RedisProcess(process, port, dir);
			redis.awaitPong();
			return redis;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start redis-server (is it on the PATH?): " + ex.getMessage(), ex);
		}
	}

	int port() {
		return this.port;
	}

	String url() {
		return "redis://" + HOST + ":" + this.port;
	}

	private void awaitPong() throws IOException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue() + "; see "
						+ this.dir.resolve("redis.log"));
			}
			try (Socket socket = new Socket(HOST, this.port)) {
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] reply = new byte[7];
				if (in.readNBytes(reply, 0, 7) == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new IllegalStateException("redis-server did not answer PING within 15s");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		File[] files = this.dir.toFile().listFiles();
		if (files != null) {
			for (File file : files) {
				file.delete();
			}
		}
		this.dir.toFile().delete();
	}

}
