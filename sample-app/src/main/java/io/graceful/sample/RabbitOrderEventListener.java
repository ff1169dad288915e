package io.graceful.sample;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Consumes the {@code orders} queue (profile {@code rabbitmq}) and records each order
 * once in {@code order_events}; a second delivery of the same order (a redelivery, or the
 * same order posted twice) adds no row but counts in its {@code deliveries} column, so
 * duplicates are visible.
 */
@Component
@Profile("rabbitmq")
class RabbitOrderEventListener {

	private final JdbcTemplate jdbc;

	RabbitOrderEventListener(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@RabbitListener(queues = RabbitOrders.QUEUE)
	void onOrder(Message message) {
		this.jdbc.update(
				"INSERT INTO order_events (id) VALUES (?)"
						+ " ON CONFLICT (id) DO UPDATE SET deliveries = order_events.deliveries + 1",
				message.getMessageProperties().getMessageId());
	}

}
