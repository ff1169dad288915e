package io.graceful.sample;

/**
 * Publishes the event of a stored order to the broker, without waiting for it: Kafka
 * ({@link KafkaOrderPublisher}, the default) or RabbitMQ ({@link RabbitOrderPublisher},
 * profile {@code rabbitmq}).
 */
interface OrderPublisher {

	/**
	 * Publish the event of one order.
	 * @param id the order's id (the record key, the message id)
	 * @param json the event as JSON
	 */
	void publish(String id, String json);

}
