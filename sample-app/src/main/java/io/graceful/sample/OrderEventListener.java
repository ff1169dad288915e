package io.graceful.sample;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the {@code orders} topic and records each order once in {@code order_events}
 * (redelivery is harmless).
 */
@Component
@Profile("!rabbitmq")
class OrderEventListener {

	private final JdbcTemplate jdbc;

	OrderEventListener(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@KafkaListener(topics = OrderController.TOPIC, groupId = "sample-app")
	void onOrder(ConsumerRecord<String, String> record) {
		this.jdbc.update("INSERT INTO order_events (id) VALUES (?) ON CONFLICT (id) DO NOTHING", record.key());
	}

}
