package io.graceful.sample;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a profile the broker is Kafka: Spring AMQP is on the class path for the
 * {@code rabbitmq} profile, but RabbitMQ's auto-configuration and graceful's RabbitMQ
 * steps stay off (no connection factory, nothing in the shutdown budget).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(partitions = 2, topics = "orders", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class SampleApplicationKafkaDefaultTests {

	private static final EmbeddedPostgres postgres = startPostgres();

	@Autowired
	private ApplicationContext context;

	@DynamicPropertySource
	static void datasource(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Test
	void kafkaIsTheBrokerAndRabbitMqStaysOff() {
		assertThat(this.context.getBeanNamesForType(KafkaTemplate.class)).isNotEmpty();
		assertThat(this.context.containsBean("gracefulKafkaFlushLifecycle")).isTrue();
		assertThat(this.context.getBeanNamesForType(OrderPublisher.class)).containsExactly("kafkaOrderPublisher");
		assertThat(this.context.getBeanNamesForType(ConnectionFactory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RabbitTemplate.class)).isEmpty();
		assertThat(this.context.containsBean("gracefulRabbitFlushLifecycle")).isFalse();
	}

	private static EmbeddedPostgres startPostgres() {
		try {
			return EmbeddedPostgres.builder().start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
