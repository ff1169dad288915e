package io.graceful.autoconfigure.report;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.zaxxer.hikari.HikariDataSource;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.jdbc.DataSourceDrainAutoConfiguration;
import io.graceful.autoconfigure.kafka.KafkaShutdownAutoConfiguration;
import io.graceful.autoconfigure.report.GracefulEndpoint.StepForecastDescriptor;
import io.graceful.autoconfigure.testsupport.TestKafka;
import io.graceful.autoconfigure.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecast of the DataSource drain and the Kafka flush, against real PostgreSQL and a
 * real broker: a held Hikari connection and records buffered in a producer appear on the
 * endpoint with their verdict, and the forecast returns to what it was once they are
 * released. The gauge counts only what would be cut.
 */
class ResourceForecastTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
				DataSourceDrainAutoConfiguration.class, KafkaAutoConfiguration.class,
				KafkaShutdownAutoConfiguration.class, GracefulEndpointAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, ShutdownMetricsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=graceful");

	@Test
	void aHeldHikariConnectionMakesTheDrainForecastUnknownUntilItIsReturned() {
		this.runner.withUserConfiguration(Pool.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1")
			.run((context) -> {
				GracefulEndpoint endpoint = context.getBean(GracefulEndpoint.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(step(endpoint, "datasource-drain").verdict()).isEqualTo("fits");
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
					StepForecastDescriptor held = step(endpoint, "datasource-drain");
					assertThat(held.verdict()).isEqualTo("unknown");
					assertThat(held.facts()).containsEntry("connectionsInUse", 1);
					assertThat(held.atRisk()).singleElement()
						.asString()
						.contains("forecast", "1 in use", "borrow age not tracked");
					assertThat(registry.get("graceful.forecast.cut").gauge().value()).isZero();
				}
				assertThat(step(endpoint, "datasource-drain").verdict()).isEqualTo("fits");
				assertThat(step(endpoint, "datasource-drain").facts()).containsEntry("connectionsInUse", 0);
			});
	}

	@Test
	void recordsBufferedInAProducerAppearInTheFlushForecastUntilTheyAreSent() {
		String bootstrapServers = TestKafka.bootstrapServers();
		String topic = TestKafka.createTopic(bootstrapServers, "forecast");
		this.runner
			.withPropertyValues("spring.kafka.bootstrap-servers=" + bootstrapServers,
					"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
					"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer",
					"spring.kafka.producer.properties.linger.ms=20000", "spring.kafka.producer.batch-size=1MB")
			.run((context) -> {
				GracefulEndpoint endpoint = context.getBean(GracefulEndpoint.class);
				@SuppressWarnings("unchecked")
				KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
				template.send(topic, "warm-up").get();
				assertThat(step(endpoint, "kafka-flush").facts()).containsEntry("recordsBuffered", 0L);
				List<CompletableFuture<SendResult<String, String>>> sent = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					sent.add(template.send(topic, "record-" + i));
				}
				StepForecastDescriptor buffered = step(endpoint, "kafka-flush");
				assertThat(buffered.verdict()).isEqualTo("fits");
				assertThat(buffered.facts()).containsEntry("recordsBuffered", 50L).containsEntry("producers", 1);
				template.flush();
				CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
				assertThat(step(endpoint, "kafka-flush").facts()).containsEntry("recordsBuffered", 0L);
			});
	}

	private static StepForecastDescriptor step(GracefulEndpoint endpoint, String step) {
		return endpoint.graceful()
			.forecast()
			.steps()
			.stream()
			.filter((candidate) -> candidate.step().equals(step))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No forecast for " + step));
	}

	@Configuration(proxyBeanMethods = false)
	static class Pool {

		@Bean
		HikariDataSource forecastPool() {
			HikariDataSource pool = new HikariDataSource();
			pool.setPoolName("forecast");
			pool.setJdbcUrl(TestPostgres.jdbcUrl());
			pool.setUsername("postgres");
			pool.setPassword("postgres");
			pool.setMaximumPoolSize(2);
			return pool;
		}

	}

}
