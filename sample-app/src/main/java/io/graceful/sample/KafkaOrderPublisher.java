package io.graceful.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Profile;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends the order's record to the {@code orders} topic (key = id) without waiting for the
 * broker; a record that could not be sent is logged.
 */
@Component
@Profile("!rabbitmq")
class KafkaOrderPublisher implements OrderPublisher {

	private static final Log logger = LogFactory.getLog(KafkaOrderPublisher.class);

	private final KafkaTemplate<String, String> kafka;

	KafkaOrderPublisher(KafkaTemplate<String, String> kafka) {
		this.kafka = kafka;
	}

	@Override
	public void publish(String id, String json) {
		this.kafka.send(OrderController.TOPIC, id, json).whenComplete((result, ex) -> {
			if (ex != null) {
				logger.warn("Kafka record for order " + id + " was not sent: " + ex.getMessage());
			}
		});
	}

}
