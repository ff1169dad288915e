package io.graceful.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker process serves, stops, starts again on the same port and data (the
 * lab's broker-down fault), can be killed, and leaves nothing running.
 */
class KafkaProcessTests {

	@TempDir
	Path directory;

	@Test
	void servesStopsRestartsOnTheSamePortAndIsKilled() throws Exception {
		try (KafkaProcess kafka = KafkaProcess.builder()
			.directory(this.directory.resolve("kafka"))
			.partitions(2)
			.start(Duration.ofSeconds(90))) {
			String servers = kafka.bootstrapServers();
			assertThat(clusterSize(servers)).isEqualTo(1);
			assertThat(kafka.log()).exists();
			kafka.stop();
			assertThat(kafka.isAlive()).isFalse();
			assertThat(Ports.accepts(Integer.parseInt(servers.substring(servers.indexOf(':') + 1)))).isFalse();
			kafka.restart(Duration.ofSeconds(90));
			assertThat(kafka.bootstrapServers()).isEqualTo(servers);
			assertThat(clusterSize(servers)).isEqualTo(1);
			long pid = kafka.pid();
			kafka.kill();
			assertThat(kafka.isAlive()).isFalse();
			assertThat(ProcessHandle.of(pid)).isEmpty();
		}
		assertThat(this.directory.resolve("kafka/server.properties")).exists();
	}

	private static int clusterSize(String servers) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
		}
	}

}
