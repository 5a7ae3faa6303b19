package dev.llmcache.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small Redis Cluster of process-backed masters (no replicas), see
 * {@link RedisServerProcess#startCluster(int)}. Each node runs with
 * {@code --cluster-enabled yes --cluster-config-file <its temp dir>/nodes-<port>.conf};
 * the cluster is created with
 * {@code redis-cli --cluster create 127.0.0.1:p1 ... --cluster-replicas 0 --cluster-yes}.
 * Needs {@code redis-server} and {@code redis-cli} on the PATH.
 */
public final class RedisCluster implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServerProcess> nodes;

	private RedisCluster(List<RedisServerProcess> nodes) {
		this.nodes = List.copyOf(nodes);
	}

	static RedisCluster start(int masters) {
		if (masters < 3) {
			throw new IllegalArgumentException("A Redis Cluster needs at least 3 masters, got " + masters);
		}
		String redisCli = RedisServerProcess.requireExecutable("redis-cli");
		List<RedisServerProcess> nodes = new ArrayList<>();
		try {
			List<CompletableFuture<RedisServerProcess>> starting = new ArrayList<>();
			for (int i = 0; i < masters; i++) {
				starting.add(CompletableFuture.supplyAsync(RedisServerProcess::startClusterNode));
			}
			for (CompletableFuture<RedisServerProcess> future : starting) {
				nodes.add(future.join());
			}
			RedisCluster cluster = new RedisCluster(nodes);
			List<String> create = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
			create.addAll(cluster.nodeAddresses());
			create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			String output = run(create, Duration.ofSeconds(30));
			cluster.awaitClusterOk(output);
			return cluster;
		}
		catch (RuntimeException ex) {
			nodes.forEach(RedisServerProcess::close);
			throw ex;
		}
	}

	/** The node ports, in creation order. */
	public List<Integer> ports() {
		return this.nodes.stream().map(RedisServerProcess::port).toList();
	}

	/** {@code 127.0.0.1:port} for every node, e.g. for Lettuce cluster configuration. */
	public List<String> nodeAddresses() {
		return this.nodes.stream().map(node -> node.host() + ":" + node.port()).toList();
	}

	/** The nodes, for per-node commands and fault injection. */
	public List<RedisServerProcess> nodes() {
		return this.nodes;
	}

	/**
	 * Runs {@code redis-cli -c -h 127.0.0.1 -p <first port> args...} (cluster mode,
	 * following redirects) and returns its trimmed standard output.
	 */
	public String cli(String... args) {
		List<String> command = new ArrayList<>(List.of(RedisServerProcess.requireExecutable("redis-cli"), "-c", "-h",
				this.nodes.get(0).host(), "-p", String.valueOf(this.nodes.get(0).port())));
		command.addAll(List.of(args));
		return run(command, Duration.ofSeconds(10)).trim();
	}

	/** Kills every node and deletes their temporary directories. */
	@Override
	public void close() {
		this.nodes.forEach(RedisServerProcess::close);
	}

	private void awaitClusterOk(String createOutput) {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		String lastInfo = "";
		while (System.nanoTime() < deadline) {
			boolean allOk = true;
			for (RedisServerProcess node : this.nodes) {
				try {
					lastInfo = node.command("CLUSTER", "INFO");
				}
				catch (RuntimeException ex) {
					lastInfo = ex.toString();
				}
				if (lastInfo == null || !lastInfo.contains("cluster_state:ok")) {
					allOk = false;
					break;
				}
			}
			if (allOk) {
				return;
			}
			RedisServerProcess.sleep(50);
		}
		throw new IllegalStateException("Redis Cluster on " + ports() + " not ok within " + READY_TIMEOUT.toSeconds()
				+ "s. Last CLUSTER INFO:\n" + lastInfo + "\nredis-cli --cluster create said:\n" + createOutput);
	}

	private static String run(List<String> command, Duration timeout) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.PIPE)
				.start();
			process.getOutputStream().close();
			CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
				try {
					return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " timed out after " + timeout.toSeconds()
						+ "s:\n" + output.getNow("(no output)"));
			}
			String text = output.get(5, TimeUnit.SECONDS);
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
			}
			return text;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
