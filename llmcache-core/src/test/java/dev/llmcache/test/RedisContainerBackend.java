package dev.llmcache.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker side of {@link RedisServerProcess}: only loaded (and Testcontainers only
 * touched) when no {@code redis-server} is on the PATH, or when
 * {@code -Dllmcache.test.redis=docker} asks for it.
 */
final class RedisContainerBackend {

	static final String IMAGE_PROPERTY = "llmcache.test.redis-image";

	private static final String DEFAULT_IMAGE = "redis:7-alpine";

	private static final int REDIS_PORT = 6379;

	private static volatile Boolean dockerAvailable;

	private GenericContainer<?> container;

	private RedisContainerBackend() {
	}

	/**
	 * Whether a Docker engine answers. A cheap pre-check (no {@code DOCKER_HOST}, no
	 * known socket file, no Testcontainers configuration) answers {@code false}
	 * immediately; otherwise Testcontainers is asked once and the answer cached.
	 */
	static boolean isDockerAvailable() {
		Boolean answer = dockerAvailable;
		if (answer == null) {
			synchronized (RedisContainerBackend.class) {
				answer = dockerAvailable;
				if (answer == null) {
					answer = mightHaveDocker() && probe();
					dockerAvailable = answer;
				}
			}
		}
		return answer;
	}

	private static boolean mightHaveDocker() {
		if (System.getenv("DOCKER_HOST") != null || System.getProperty("DOCKER_HOST") != null) {
			return true;
		}
		String home = System.getProperty("user.home", "");
		String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
		List<Path> candidates = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
				Path.of(home, ".docker", "run", "docker.sock"), Path.of(home, ".docker", "desktop", "docker.sock"),
				Path.of(home, ".colima", "default", "docker.sock"), Path.of(home, ".rd", "docker.sock"),
				Path.of(home, ".testcontainers.properties")));
		if (runtimeDir != null) {
			candidates.add(Path.of(runtimeDir, "docker.sock"));
			candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
		}
		return candidates.stream().anyMatch(Files::exists);
	}

	private static boolean probe() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/** Starts a Redis container whose port 6379 is published on {@code hostPort}. */
	static RedisContainerBackend start(int hostPort, List<String> extraArgs) {
		String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
		List<String> command = new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", "no", "--bind",
				"0.0.0.0", "--protected-mode", "no", "--port", String.valueOf(REDIS_PORT)));
		command.addAll(extraArgs);
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
			.withCommand(command.toArray(String[]::new))
			.withCreateContainerCmdModifier(cmd -> {
				cmd.withExposedPorts(ExposedPort.tcp(REDIS_PORT));
				cmd.getHostConfig()
					.withPortBindings(new PortBinding(Ports.Binding.bindPort(hostPort), ExposedPort.tcp(REDIS_PORT)));
			})
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
		container.start();
		RedisContainerBackend backend = new RedisContainerBackend();
		backend.container = container;
		return backend;
	}

	String host() {
		return this.container.getHost();
	}

	boolean isRunning() {
		return this.container != null && this.container.isRunning();
	}

	void pause() {
		client().pauseContainerCmd(this.container.getContainerId()).exec();
	}

	void resume() {
		client().unpauseContainerCmd(this.container.getContainerId()).exec();
	}

	void kill() {
		try {
			client().killContainerCmd(this.container.getContainerId()).exec();
		}
		catch (RuntimeException ex) {
			// already gone
		}
		this.container.stop();
	}

	void stop() {
		try {
			client().stopContainerCmd(this.container.getContainerId()).withTimeout(10).exec();
		}
		catch (RuntimeException ex) {
			// already gone
		}
		this.container.stop();
	}

	private static DockerClient client() {
		return DockerClientFactory.instance().client();
	}

}
