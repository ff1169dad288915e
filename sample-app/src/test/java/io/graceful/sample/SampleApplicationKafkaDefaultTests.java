package io.graceful.sample;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a profile the broker is Kafka: Spring AMQP is on the class path for the
 * {@code rabbitmq} profile, but RabbitMQ's auto-configuration and graceful's RabbitMQ
 * steps stay off (no connection factory, nothing in the shutdown budget).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(SampleInfrastructure.WithKafka.class)
class SampleApplicationKafkaDefaultTests {

	@Autowired
	private ApplicationContext context;

	@Test
	void kafkaIsTheBrokerAndRabbitMqStaysOff() {
		assertThat(this.context.getBeanNamesForType(KafkaTemplate.class)).isNotEmpty();
		assertThat(this.context.containsBean("gracefulKafkaFlushLifecycle")).isTrue();
		assertThat(this.context.getBeanNamesForType(OrderPublisher.class)).containsExactly("kafkaOrderPublisher");
		assertThat(this.context.getBeanNamesForType(ConnectionFactory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RabbitTemplate.class)).isEmpty();
		assertThat(this.context.containsBean("gracefulRabbitFlushLifecycle")).isFalse();
	}

}
