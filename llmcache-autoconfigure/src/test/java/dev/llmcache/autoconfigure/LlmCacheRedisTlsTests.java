package dev.llmcache.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis over TLS, with a certificate authority and server certificate the test generates with
 * openssl, reached through Spring Boot's {@code spring.data.redis.ssl.*} and an SSL bundle.
 */
class LlmCacheRedisTlsTests {

	@TempDir
	Path certificates;

	@Test
	void l2WorksOverTls() throws Exception {
		generateCertificates();
		int tlsPort = freePort();
		try (MockOpenAiServer server = MockOpenAiServer.start();
				RedisServerProcess redis = RedisServerProcess.start("--tls-port", String.valueOf(tlsPort),
						"--tls-cert-file", file("server.crt"), "--tls-key-file", file("server.key"),
						"--tls-ca-cert-file", file("ca.crt"), "--tls-auth-clients", "no")) {
			LlmCacheContexts.withRedis(server, redis)
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.host=localhost", "spring.data.redis.port=" + tlsPort,
						"spring.data.redis.ssl.enabled=true", "spring.data.redis.ssl.bundle=redis",
						"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + file("ca.crt"),
						"llmcache.l1.enabled=false", "llmcache.redis.timeout=1s")
				.run(context -> {
					assertThat(context).hasNotFailed();
					AskService service = context.getBean(AskService.class);
					service.ask("Encrypted on the wire?");
					service.ask("Encrypted on the wire?");
					assertThat(server.requestCount()).isEqualTo(1);
					assertThat(redis.command("DBSIZE").trim()).isNotEqualTo("0");
				});
		}
	}

	private void generateCertificates() throws Exception {
		Files.writeString(this.certificates.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
		openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=llmcache test CA",
				"-keyout", "ca.key", "-out", "ca.crt");
		openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out",
				"server.csr");
		openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days",
				"2", "-extfile", "san.ext", "-out", "server.crt");
	}

	private void openssl(String... args) throws Exception {
		List<String> command = new java.util.ArrayList<>(List.of("openssl"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(this.certificates.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
	}

	private String file(String name) {
		return this.certificates.resolve(name).toString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
