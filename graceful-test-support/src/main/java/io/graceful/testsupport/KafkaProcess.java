package io.graceful.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * A real Kafka broker in its own process ({@code kafka.Kafka} in KRaft combined mode,
 * broker and controller, from the jars of a classpath), for runs in which the broker must
 * outlive or lose the applications that use it. It has its own two ports on 127.0.0.1 and
 * its own data folder; the storage is formatted first ({@code StorageTool
 * format --standalone}, in this JVM). Ready once the port accepts connections and an
 * admin client sees the broker in the cluster. Its output goes to {@code kafka.log} in
 * the folder.
 */
public final class KafkaProcess implements AutoCloseable {

	private final Path directory;

	private final boolean temporary;

	private final String classpath;

	private final List<String> jvmOptions;

	private final int port;

	private @Nullable Process process;

	private Duration startedIn = Duration.ZERO;

	private KafkaProcess(Builder builder, Path directory, boolean temporary) {
		this.directory = directory;
		this.temporary = temporary;
		this.classpath = builder.classpath;
		this.jvmOptions = List.copyOf(builder.jvmOptions);
		this.port = Ports.free();
		int controllerPort = Ports.free();
		try {
			Files.createDirectories(directory);
			Files.writeString(config(), String.join("\n", "process.roles=broker,controller", "node.id=1",
					"controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
					"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + controllerPort,
					"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
					"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
					"inter.broker.listener.name=PLAINTEXT", "log.dirs=" + directory.resolve("data"),
					"num.partitions=" + builder.partitions, "offsets.topic.replication.factor=1",
					"offsets.topic.num.partitions=" + builder.partitions, "transaction.state.log.replication.factor=1",
					"transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
					"share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0",
					"auto.create.topics.enable=true", ""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start a broker as the tests use it (one partition per topic, a temporary folder
	 * deleted on {@link #close()}, this JVM's classpath) and wait up to a minute until it
	 * serves.
	 * @return the running broker
	 */
	public static KafkaProcess start() {
		return builder().start(Duration.ofSeconds(60));
	}

	/**
	 * A broker to set up before it starts.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Where clients connect.
	 * @return {@code 127.0.0.1:<port>}
	 */
	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * The file its output goes to.
	 * @return the log file
	 */
	public Path log() {
		return this.directory.resolve("kafka.log");
	}

	/**
	 * How long the last start took, from the format (or the restart) until it served.
	 * @return the time
	 */
	public Duration startedIn() {
		return this.startedIn;
	}

	/**
	 * Whether its process runs.
	 * @return whether it runs
	 */
	public boolean isAlive() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	/**
	 * The process id, for a log line.
	 * @return the pid, or -1 before the start
	 */
	public long pid() {
		Process process = this.process;
		return (process != null) ? process.pid() : -1;
	}

	private Path config() {
		return this.directory.resolve("server.properties");
	}

	private void formatAndStart(Duration timeout) {
		long start = System.nanoTime();
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		int formatted = StorageTool.execute(new String[] { "format", "--standalone", "-t", Uuid.randomUuid().toString(),
				"-c", config().toString() }, new PrintStream(output, true, StandardCharsets.UTF_8));
		if (formatted != 0) {
			throw new IllegalStateException("Kafka storage format failed (exit " + formatted + "): " + output);
		}
		launch(timeout, start);
	}

	/**
	 * Start the stopped broker again on the same ports and data (no new format), and wait
	 * until it serves.
	 * @param timeout how long at most
	 */
	public void restart(Duration timeout) {
		launch(timeout, System.nanoTime());
	}

	private void launch(Duration timeout, long start) {
		try {
			this.process = ChildJvm.of("kafka.Kafka")
				.classpath(this.classpath)
				.jvmOptions(this.jvmOptions)
				.arguments(List.of(config().toString()))
				.directory(this.directory)
				.log(log())
				.start()
				.process();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start kafka.Kafka", ex);
		}
		awaitReady(this.process, timeout);
		this.startedIn = Duration.ofNanos(System.nanoTime() - start);
	}

	private void awaitReady(Process process, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Ports.accepts(this.port)) {
			checkAlive(process);
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"Kafka not listening within " + timeout.toSeconds() + "s; see " + log());
			}
			ChildProcesses.pause(200); // nothing signals that the listener is open
		}
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
				3000))) {
			while (true) {
				checkAlive(process);
				try {
					if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
						return;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
				catch (Exception ex) {
					// not ready yet
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException(
							"Kafka not ready within " + timeout.toSeconds() + "s; see " + log());
				}
				ChildProcesses.pause(200);
			}
		}
	}

	private void checkAlive(Process process) {
		if (!process.isAlive()) {
			throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see " + log());
		}
	}

	/**
	 * Stop the broker the way a platform does (SIGTERM; a clean stop takes under 2 s) and
	 * wait until it exited; killed when it has not within 20 s.
	 */
	public void stop() {
		ChildProcesses.terminate(this.process, 20);
	}

	/**
	 * Kill the broker (SIGKILL), as a crash or a lost host would, and wait until it is
	 * gone. Unlike {@link #stop()}, no controlled shutdown tells clients the partitions
	 * went away: producers keep the metadata they had.
	 */
	public void kill() {
		Process process = this.process;
		if (process != null && process.isAlive()) {
			ChildProcesses.kill(process);
		}
	}

	/**
	 * Stop the broker; a temporary folder is deleted.
	 */
	@Override
	public void close() {
		stop();
		if (this.temporary) {
			Directories.delete(this.directory);
		}
	}

	/**
	 * How to run a broker.
	 */
	public static final class Builder {

		private @Nullable Path directory;

		private String classpath = ChildJvm.classpath();

		private List<String> jvmOptions = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

		private int partitions = 1;

		private Builder() {
		}

		/**
		 * The folder for the configuration, the data and the log, kept after
		 * {@link KafkaProcess#close()}; without it a temporary folder is used and
		 * deleted.
		 * @param directory the folder
		 * @return this builder
		 */
		public Builder directory(Path directory) {
			this.directory = directory;
			return this;
		}

		/**
		 * A classpath that holds Kafka's jars, instead of this JVM's.
		 * @param classpath the classpath
		 * @return this builder
		 */
		public Builder classpath(String classpath) {
			this.classpath = classpath;
			return this;
		}

		/**
		 * The broker JVM's options, instead of {@code -Xmx384m -XX:TieredStopAtLevel=1
		 * -XX:+UseSerialGC}.
		 * @param options the options
		 * @return this builder
		 */
		public Builder jvmOptions(List<String> options) {
			this.jvmOptions = List.copyOf(options);
			return this;
		}

		/**
		 * Partitions of a topic created on first use and of the offsets topic (1 by
		 * default).
		 * @param partitions how many
		 * @return this builder
		 */
		public Builder partitions(int partitions) {
			this.partitions = partitions;
			return this;
		}

		/**
		 * Format the storage, start the broker and wait until it serves.
		 * @param timeout how long at most
		 * @return the running broker
		 */
		public KafkaProcess start(Duration timeout) {
			Path directory = this.directory;
			boolean temporary = directory == null;
			try {
				if (directory == null) {
					directory = Files.createTempDirectory("kafka-process");
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			KafkaProcess kafka = new KafkaProcess(this, directory, temporary);
			try {
				kafka.formatAndStart(timeout);
			}
			catch (RuntimeException ex) {
				kafka.close();
				throw ex;
			}
			return kafka;
		}

	}

}
