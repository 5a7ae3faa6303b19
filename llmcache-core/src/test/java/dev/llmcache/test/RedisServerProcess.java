package dev.llmcache.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server for a test, with fault controls.
 *
 * <p>
 * <b>Where the server comes from.</b> {@code redis-server} from the PATH is preferred:
 * it starts in milliseconds, and its fault controls ({@link #kill()}, {@link #pause()}
 * ...) act on a real OS process. Only when no {@code redis-server} is on the PATH is a
 * Docker engine used (Testcontainers, image {@code redis:7-alpine}, overridable with
 * {@code -Dllmcache.test.redis-image=...}); the Docker probe runs at most once per JVM,
 * is cached, and is skipped outright when there is no sign of an engine (no
 * {@code DOCKER_HOST}, no known socket file), so it costs nothing on machines without
 * Docker. {@code -Dllmcache.test.redis=process|docker} forces one or the other. If
 * neither is available, {@link #start(String...)} throws an
 * {@link IllegalStateException} saying what to install. Tests are never skipped.
 *
 * <p>
 * <b>Process mode.</b> {@code redis-server --save "" --appendonly no --bind 127.0.0.1
 * --port N --dir <temp dir>} plus the extra arguments, on a free loopback port. All
 * live servers are SIGKILLed by a JVM shutdown hook, so none survives the test JVM.
 *
 * <p>
 * <b>Container mode.</b> The container port is published on a fixed free host port, so
 * {@link #restart()} can come back on the same port. {@link #pause()} is
 * {@code docker pause}, {@link #kill()} is {@code docker kill}.
 *
 * <p>
 * Commands go through {@link RespClient} (a tiny RESP client over a socket), which
 * authenticates with the {@code --requirepass} given in the extra arguments, if any.
 */
public final class RedisServerProcess implements AutoCloseable {

	/** {@code process}, {@code docker} or unset (auto: process if on the PATH). */
	public static final String MODE_PROPERTY = "llmcache.test.redis";

	private static final Logger logger = LoggerFactory.getLogger(RedisServerProcess.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

	private static final String INSTALL_HINT = "Install Redis (e.g. 'apt-get install redis-server', "
			+ "'brew install redis'), so that redis-server is on the PATH, or start a Docker engine";

	private static final Set<RedisServerProcess> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (RedisServerProcess server : LIVE) {
				server.destroyQuietly();
				deleteRecursively(server.dir);
			}
		}, "redis-server-reaper"));
	}

	private final boolean containerMode;

	private final int port;

	private final Path dir;

	private final BiFunction<Path, Integer, List<String>> extraArgs;

	private final @Nullable String password;

	private volatile @Nullable Process process;

	private volatile @Nullable RedisContainerBackend container;

	private volatile boolean paused;

	private volatile boolean closed;

	private RedisServerProcess(boolean containerMode, int port, Path dir,
			BiFunction<Path, Integer, List<String>> extraArgs, @Nullable String password) {
		this.containerMode = containerMode;
		this.port = port;
		this.dir = dir;
		this.extraArgs = extraArgs;
		this.password = password;
	}

	/**
	 * Starts a new, empty Redis server and waits until it answers {@code PING}.
	 * @param extraArgs more {@code redis-server} arguments, e.g.
	 * {@code "--requirepass", "secret"} or
	 * {@code "--maxmemory", "1mb", "--maxmemory-policy", "noeviction"}
	 * @return the running server
	 * @throws IllegalStateException if neither {@code redis-server} nor Docker is
	 * available, or the server does not come up
	 */
	public static RedisServerProcess start(String... extraArgs) {
		List<String> args = List.of(extraArgs);
		return start((dir, port) -> args, passwordOf(args), useContainer(), false);
	}

	/**
	 * Starts a Redis Cluster of {@code masters} (at least 3) masters without replicas,
	 * created with {@code redis-cli --cluster create}, and waits until every node
	 * reports {@code cluster_state:ok}. Needs {@code redis-server} and
	 * {@code redis-cli} on the PATH (no Docker fallback).
	 * @param masters the number of masters, at least 3
	 * @return the running cluster
	 */
	public static RedisCluster startCluster(int masters) {
		return RedisCluster.start(masters);
	}

	static RedisServerProcess startClusterNode() {
		requireExecutable("redis-server");
		return start((dir, port) -> List.of("--cluster-enabled", "yes", "--cluster-config-file",
				dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout", "5000"), null, false, true);
	}

	private static RedisServerProcess start(BiFunction<Path, Integer, List<String>> extraArgs,
			@Nullable String password, boolean containerMode, boolean clusterNode) {
		Path dir;
		try {
			dir = Files.createTempDirectory("llmcache-redis-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			RedisServerProcess server = new RedisServerProcess(containerMode,
					clusterNode ? freeClusterPort() : freePort(), dir, extraArgs, password);
			LIVE.add(server);
			try {
				server.launch();
				return server;
			}
			catch (IllegalStateException ex) {
				// most likely someone grabbed the port between probing and binding: retry
				failure = ex;
				server.destroyQuietly();
				LIVE.remove(server);
			}
		}
		deleteRecursively(dir);
		throw failure;
	}

	private static boolean useContainer() {
		String mode = System.getProperty(MODE_PROPERTY, "auto").trim().toLowerCase();
		boolean onPath = findExecutable("redis-server").isPresent();
		switch (mode) {
			case "process":
				if (!onPath) {
					throw new IllegalStateException("-D" + MODE_PROPERTY + "=process but no redis-server on the PATH. "
							+ INSTALL_HINT + ".");
				}
				return false;
			case "docker":
				if (!RedisContainerBackend.isDockerAvailable()) {
					throw new IllegalStateException(
							"-D" + MODE_PROPERTY + "=docker but no Docker engine is available. " + INSTALL_HINT + ".");
				}
				return true;
			default:
				if (onPath) {
					return false;
				}
				if (RedisContainerBackend.isDockerAvailable()) {
					return true;
				}
				throw new IllegalStateException("No Redis for the tests: no redis-server on the PATH and no Docker engine. "
						+ INSTALL_HINT + ".");
		}
	}

	private static @Nullable String passwordOf(List<String> args) {
		String password = null;
		for (int i = 0; i < args.size() - 1; i++) {
			if ("--requirepass".equalsIgnoreCase(args.get(i))) {
				password = args.get(i + 1);
			}
		}
		return (password == null || password.isEmpty()) ? null : password;
	}

	// ---------------------------------------------------------------- accessors

	/** The host to connect to ({@code 127.0.0.1} for a process). */
	public String host() {
		RedisContainerBackend backend = this.container;
		return (backend != null) ? backend.host() : HOST;
	}

	/** The port; it stays the same across {@link #restart()}. */
	public int port() {
		return this.port;
	}

	/** {@code redis://host:port} (no credentials, see {@link #password()}). */
	public String uri() {
		return "redis://" + host() + ":" + this.port;
	}

	/** The {@code --requirepass} password given at start, or {@code null}. */
	public @Nullable String password() {
		return this.password;
	}

	/**
	 * Whether the server (process or container) is alive. A paused server is alive.
	 */
	public boolean isRunning() {
		if (this.containerMode) {
			RedisContainerBackend backend = this.container;
			return backend != null && backend.isRunning();
		}
		Process p = this.process;
		return p != null && p.isAlive();
	}

	// ---------------------------------------------------------------- commands

	/**
	 * Runs one command (with {@code AUTH} first if a password was set) and returns the
	 * reply as text, see {@link RespClient} for the rendering. Error replies throw
	 * {@link RespClient.RedisErrorReplyException}, I/O failures
	 * {@link UncheckedIOException}. Timeout 5 seconds.
	 */
	public @Nullable String command(String... args) {
		return command(COMMAND_TIMEOUT, args);
	}

	/** {@link #command(String...)} with the given connect and read timeout. */
	public @Nullable String command(Duration timeout, String... args) {
		return RespClient.call(host(), this.port, this.password, timeout, args);
	}

	/** {@code FLUSHALL}. */
	public void flushAll() {
		command("FLUSHALL");
	}

	// ---------------------------------------------------------------- faults

	/** SIGKILL (container: {@code docker kill}); waits until it is gone. */
	public synchronized void kill() {
		if (this.paused) {
			resume();
		}
		if (this.containerMode) {
			RedisContainerBackend backend = this.container;
			if (backend != null) {
				backend.kill();
			}
			return;
		}
		Process p = this.process;
		if (p != null && p.isAlive()) {
			p.destroyForcibly();
			waitForExit(p, Duration.ofSeconds(10));
		}
	}

	/**
	 * Graceful shutdown (SIGTERM, Redis exits cleanly without saving; container:
	 * {@code docker stop}); waits until it is gone.
	 */
	public synchronized void stop() {
		if (this.paused) {
			resume();
		}
		if (this.containerMode) {
			RedisContainerBackend backend = this.container;
			if (backend != null) {
				backend.stop();
			}
			return;
		}
		Process p = this.process;
		if (p != null && p.isAlive()) {
			p.destroy();
			if (!waitForExit(p, Duration.ofSeconds(10))) {
				p.destroyForcibly();
				waitForExit(p, Duration.ofSeconds(5));
			}
		}
	}

	/**
	 * SIGSTOP (container: {@code docker pause}): connections are still accepted by the
	 * kernel, but nothing is answered until {@link #resume()}.
	 */
	public synchronized void pause() {
		if (this.containerMode) {
			requireContainer().pause();
		}
		else {
			signal("STOP");
		}
		this.paused = true;
	}

	/** SIGCONT (container: {@code docker unpause}). */
	public synchronized void resume() {
		if (this.containerMode) {
			requireContainer().resume();
		}
		else {
			signal("CONT");
		}
		this.paused = false;
	}

	/**
	 * Starts a new, empty server on the same port (stopping the current one first if it
	 * still runs), retrying for a few seconds while the port is not yet free, and waits
	 * until it answers {@code PING}.
	 */
	public synchronized void restart() {
		if (this.closed) {
			throw new IllegalStateException("Closed: " + this);
		}
		if (isRunning()) {
			stop();
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				launch();
				return;
			}
			catch (IllegalStateException ex) {
				destroyQuietly();
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				sleep(100);
			}
		}
	}

	/** Kills the server and deletes its temporary directory. Idempotent. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		destroyQuietly();
		LIVE.remove(this);
		deleteRecursively(this.dir);
	}

	@Override
	public String toString() {
		return "RedisServerProcess[" + (this.containerMode ? "container" : "process") + " " + uri() + "]";
	}

	// ---------------------------------------------------------------- internals

	private void launch() {
		if (this.closed) {
			throw new IllegalStateException("Closed: " + this);
		}
		List<String> extra = this.extraArgs.apply(this.dir, this.port);
		if (this.containerMode) {
			try {
				this.container = RedisContainerBackend.start(this.port, extra);
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("Could not start a Redis container on port " + this.port + ": " + ex,
						ex);
			}
			this.paused = false;
			awaitPing(null);
			return;
		}
		String redisServer = requireExecutable("redis-server");
		List<String> command = new ArrayList<>(List.of(redisServer, "--save", "", "--appendonly", "no", "--bind", HOST,
				"--port", String.valueOf(this.port), "--dir", this.dir.toString(), "--daemonize", "no"));
		command.addAll(extra);
		File log = this.dir.resolve("redis-" + this.port + ".log").toFile();
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + String.join(" ", command) + ": " + ex, ex);
		}
		this.paused = false;
		awaitPing(log.toPath());
		logger.debug("Started {} (pid {})", this, this.process.pid());
	}

	private void awaitPing(@Nullable Path log) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			Process p = this.process;
			if (!this.containerMode && p != null && !p.isAlive()) {
				throw new IllegalStateException(
						"redis-server on port " + this.port + " exited with " + p.exitValue() + ":\n" + tail(log));
			}
			try {
				if ("PONG".equals(command(Duration.ofMillis(500), "PING"))) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex;
			}
			sleep(10);
		}
		throw new IllegalStateException("Redis on port " + this.port + " did not answer PING within "
				+ STARTUP_TIMEOUT.toSeconds() + "s (last error: " + last + "):\n" + tail(log));
	}

	private void signal(String signal) {
		Process p = this.process;
		if (p == null || !p.isAlive()) {
			throw new IllegalStateException("Not running: " + this);
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private RedisContainerBackend requireContainer() {
		RedisContainerBackend backend = this.container;
		if (backend == null) {
			throw new IllegalStateException("Not running: " + this);
		}
		return backend;
	}

	private void destroyQuietly() {
		try {
			if (this.containerMode) {
				RedisContainerBackend backend = this.container;
				if (backend != null) {
					if (this.paused) {
						backend.resume();
					}
					backend.kill();
				}
			}
			else {
				Process p = this.process;
				if (p != null && p.isAlive()) {
					p.destroyForcibly();
					waitForExit(p, Duration.ofSeconds(5));
				}
			}
		}
		catch (RuntimeException ex) {
			// best effort
		}
		this.paused = false;
	}

	private static boolean waitForExit(Process p, Duration timeout) {
		try {
			return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A free port {@code p} below 55536 whose cluster bus port {@code p + 10000} is free
	 * too (ephemeral ports are often too high for that).
	 */
	static int freeClusterPort() {
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		for (int attempt = 0; attempt < 200; attempt++) {
			int candidate = random.nextInt(12000, 22000);
			if (isFree(candidate) && isFree(candidate + 10000)) {
				return candidate;
			}
		}
		throw new IllegalStateException("No free port pair (p, p + 10000) found for a Redis Cluster node");
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
			socket.setReuseAddress(true);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static Optional<Path> findExecutable(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		return Arrays.stream(path.split(File.pathSeparator))
			.filter(entry -> !entry.isEmpty())
			.map(entry -> Path.of(entry, name))
			.filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

	static String requireExecutable(String name) {
		return findExecutable(name)
			.orElseThrow(() -> new IllegalStateException("No " + name + " on the PATH. " + INSTALL_HINT + "."))
			.toString();
	}

	private static String tail(@Nullable Path log) {
		if (log == null || !Files.exists(log)) {
			return "(no log)";
		}
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
