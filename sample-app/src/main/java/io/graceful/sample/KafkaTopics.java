package io.graceful.sample;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The {@code orders} topic, created at startup when missing (two partitions, so two
 * instances share the consumption).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!rabbitmq")
class KafkaTopics {

	@Bean
	NewTopic ordersTopic() {
		return TopicBuilder.name(OrderController.TOPIC).partitions(2).replicas(1).build();
	}

}
