package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker as its own process ({@code kafka.Kafka}, KRaft combined broker and
 * controller), so it outlives the application instances the lab restarts. Storage is
 * formatted first ({@code StorageTool format --standalone}).
 */
final class KafkaBroker implements AutoCloseable {

	private final Path dir;

	private final int port;

	private Process process;

	KafkaBroker(Path dir) {
		this.dir = dir;
		this.port = Ports.free();
	}

	String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	Path log() {
		return this.dir.resolve("kafka.log");
	}

	void start(Duration timeout) {
		int controllerPort = Ports.free();
		Path config = this.dir.resolve("server.properties");
		try {
			Files.createDirectories(this.dir);
			Files.writeString(config, String.join("\n", "process.roles=broker,controller", "node.id=1",
					"controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
					"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + controllerPort,
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
					"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
					"inter.broker.listener.name=PLAINTEXT", "log.dirs=" + this.dir.resolve("data"), "num.partitions=2",
					"offsets.topic.replication.factor=1", "offsets.topic.num.partitions=2",
					"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
					"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
					"group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=true", ""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String classpath = ChildProcesses.labClasspath();
		List<String> jvm = List.of(ChildProcesses.java(), "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
				"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath);
		int formatted = ChildProcesses.run(concat(jvm, "kafka.tools.StorageTool", "format", "--standalone", "-t",
				Uuid.randomUuid().toString(), "-c", config.toString()), log(), 120);
		if (formatted != 0) {
			throw new IllegalStateException("Kafka storage format failed (exit " + formatted + "); see " + log());
		}
		this.process = ChildProcesses.start(concat(jvm, "kafka.Kafka", config.toString()), log());
		awaitReady(timeout);
	}

	/**
	 * Stops the broker (SIGTERM; a clean stop takes under 2 s), for the broker-down
	 * fault.
	 */
	void stop() {
		ChildProcesses.terminate(this.process, 20);
	}

	/**
	 * Starts the stopped broker again on the same ports and data (no new format), and
	 * waits until it answers.
	 */
	void restart(Duration timeout) {
		String classpath = ChildProcesses.labClasspath();
		List<String> jvm = List.of(ChildProcesses.java(), "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
				"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath);
		this.process = ChildProcesses
			.start(concat(jvm, "kafka.Kafka", this.dir.resolve("server.properties").toString()), log());
		awaitReady(timeout);
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Ports.accepts(this.port)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Kafka exited with " + this.process.exitValue() + "; see " + log());
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Kafka not listening within " + timeout.toSeconds() + "s; see " + log());
			}
			sleepQuietly(200);
		}
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				3000))) {
			while (true) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("Kafka exited with " + this.process.exitValue() + "; see " + log());
				}
				try {
					if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
						return;
					}
				}
				catch (Exception ex) {
					// not ready yet
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Kafka not ready within " + timeout.toSeconds() + "s; see " + log());
				}
				Thread.sleep(200);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void sleepQuietly(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static List<String> concat(List<String> head, String... tail) {
		List<String> all = new ArrayList<>(head);
		all.addAll(List.of(tail));
		return all;
	}

	@Override
	public void close() {
		ChildProcesses.terminate(this.process, 20);
	}

}
