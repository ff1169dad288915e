package io.graceful.sample;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Publishes the order's event as a persistent message (message id = order id) to the
 * {@code orders} exchange with a publisher confirm
 * ({@code spring.rabbitmq.publisher-confirm-type=correlated}), without waiting for it; a
 * message the broker refused (nack) or could not route (returned) is logged. A publish
 * that fails at once (no connection) fails the request: nothing is acknowledged that was
 * not handed to the broker.
 */
@Component
@Profile("rabbitmq")
class RabbitOrderPublisher implements OrderPublisher {

	private static final Log logger = LogFactory.getLog(RabbitOrderPublisher.class);

	private final RabbitTemplate rabbit;

	RabbitOrderPublisher(RabbitTemplate rabbit) {
		this.rabbit = rabbit;
	}

	@Override
	public void publish(String id, String json) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(id);
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		CorrelationData correlation = new CorrelationData(id);
		this.rabbit.send(RabbitOrders.EXCHANGE, RabbitOrders.ROUTING_KEY,
				new Message(json.getBytes(StandardCharsets.UTF_8), properties), correlation);
		correlation.getFuture().whenComplete((confirm, ex) -> {
			if (ex != null) {
				logger.warn("RabbitMQ message for order " + id + " was not confirmed: " + ex.getMessage());
			}
			else if (!confirm.ack()) {
				logger.warn("RabbitMQ message for order " + id + " was refused by the broker: " + confirm.reason());
			}
			else if (correlation.getReturned() != null) {
				logger.warn("RabbitMQ message for order " + id + " was returned unroutable: "
						+ correlation.getReturned().getReplyText());
			}
		});
	}

}
