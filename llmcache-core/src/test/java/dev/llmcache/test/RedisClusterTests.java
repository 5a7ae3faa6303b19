package dev.llmcache.test;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisServerProcess#startCluster(int)}: three masters, created with
 * {@code redis-cli --cluster create}.
 */
class RedisClusterTests {

	@Test
	void aClusterOfThreeStartsIsOkAndServesKeys() {
		RedisCluster cluster = RedisServerProcess.startCluster(3);
		try {
			assertThat(cluster.ports()).hasSize(3).doesNotHaveDuplicates();
			assertThat(cluster.nodeAddresses()).allMatch(address -> address.startsWith("127.0.0.1:"));
			for (RedisServerProcess node : cluster.nodes()) {
				assertThat(node.command("CLUSTER", "INFO")).contains("cluster_state:ok", "cluster_known_nodes:3");
			}

			Set<String> owners = new HashSet<>();
			for (String key : new String[] { "alpha", "beta", "gamma", "delta", "epsilon", "zeta" }) {
				assertThat(cluster.cli("SET", key, "value-" + key)).isEqualTo("OK");
				assertThat(cluster.cli("GET", key)).isEqualTo("value-" + key);
				for (RedisServerProcess node : cluster.nodes()) {
					try {
						if ("1".equals(node.command("EXISTS", key))) {
							owners.add(String.valueOf(node.port()));
						}
					}
					catch (RespClient.RedisErrorReplyException ex) {
						assertThat(ex).hasMessageStartingWith("MOVED");
					}
				}
			}
			assertThat(owners).as("keys spread over the masters").hasSizeGreaterThan(1);
		}
		finally {
			cluster.close();
		}
		assertThat(cluster.nodes()).noneMatch(RedisServerProcess::isRunning);
	}

}
