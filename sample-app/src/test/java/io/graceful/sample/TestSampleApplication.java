package io.graceful.sample;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * Runs the sample app against PostgreSQL and Kafka in containers, for machines with a
 * Docker engine: {@code ./mvnw -pl sample-app spring-boot:test-run}. Without Docker, use
 * {@code ./lab infra} instead.
 */
public class TestSampleApplication {

	public static void main(String[] args) {
		SpringApplication.from(SampleApplication::main).with(Containers.class).run(args);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Containers {

		@Bean
		@ServiceConnection
		PostgreSQLContainer postgres() {
			return new PostgreSQLContainer(DockerImageName.parse("postgres:17-alpine"));
		}

		@Bean
		@ServiceConnection
		KafkaContainer kafka() {
			return new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"));
		}

	}

}
