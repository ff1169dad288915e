package io.graceful.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.tools.StorageTool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker in its own process ({@code kafka.Kafka} in KRaft combined mode,
 * from the jars on the test class path), for scenarios where the broker must go away
 * while the application runs. The storage is formatted first ({@code StorageTool format
 * --standalone}, in this JVM). Listens on 127.0.0.1 only.
 */
public final class KafkaProcess implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(KafkaProcess.class);

	private static final String STARTED = "Kafka Server started";

	private final Path directory;

	private final int port;

	private final Process process;

	private KafkaProcess(Path directory, int port, Process process) {
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	/**
	 * Format storage, start the broker and wait until it serves.
	 * @return the running broker
	 * @throws IOException if the broker could not be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static KafkaProcess start() throws IOException, InterruptedException {
		long start = System.nanoTime();
		Path directory = Files.createTempDirectory("kafka-process");
		int port = freePort();
		int controllerPort = freePort();
		Path config = directory.resolve("server.properties");
		Files.write(config,
				List.of("process.roles=broker,controller", "node.id=1",
						"listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
						"advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
						"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
						"controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
						"log.dirs=" + directory.resolve("data"), "num.partitions=1",
						"offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
						"transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0",
						"offsets.topic.num.partitions=1", "transaction.state.log.num.partitions=1"));
		ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
		int formatted = StorageTool.execute(
				new String[] { "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString() },
				new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
		if (formatted != 0) {
			throw new IllegalStateException("Kafka storage format failed: " + formatOutput);
		}
		Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				"kafka.Kafka", config.toString())
			.redirectErrorStream(true)
			.start();
		CountDownLatch started = new CountDownLatch(1);
		Path log = directory.resolve("broker.log");
		Thread pump = new Thread(() -> pump(process, log, started), "kafka-process-log");
		pump.setDaemon(true);
		pump.start();
		KafkaProcess kafka = new KafkaProcess(directory, port, process);
		if (!started.await(60, TimeUnit.SECONDS)) {
			kafka.close();
			throw new IllegalStateException("Kafka process did not start within 60s; see " + log);
		}
		logger.info(String.format("Kafka for tests: kafka.Kafka in its own process (pid %d) at %s (started in %d ms)",
				process.pid(), kafka.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
		return kafka;
	}

	private static void pump(Process process, Path log, CountDownLatch started) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				Writer writer = Files.newBufferedWriter(log)) {
			String line;
			while ((line = reader.readLine()) != null) {
				writer.write(line);
				writer.write(System.lineSeparator());
				if (line.contains(STARTED)) {
					writer.flush();
					started.countDown();
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Stop the broker the way a platform does (SIGTERM) and wait until it exited.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void stop() throws InterruptedException {
		if (!this.process.isAlive()) {
			return;
		}
		long start = System.nanoTime();
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		logger.info(String.format("Kafka process (pid %d) stopped in %d ms", this.process.pid(),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
	}

	/**
	 * Kill the broker (SIGKILL), as a crash or a lost host would, and wait until it is
	 * gone. Unlike {@link #stop()}, no controlled shutdown tells clients the partitions
	 * went away: producers keep the metadata they had.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void kill() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
			logger.info(String.format("Kafka process (pid %d) killed", this.process.pid()));
		}
	}

	@Override
	public void close() {
		try {
			stop();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
