package io.graceful.autoconfigure.kafka;

import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a Kafka producer's {@code send} once a graceful shutdown has begun flushing
 * and closing producers: a record accepted then could never be delivered (Spring Kafka
 * would otherwise create a new producer that is never closed and lose the record at
 * exit).
 *
 * @since 0.1.0
 */
public class KafkaSendRejectedException extends KafkaException {

	private final @Nullable String topic;

	/**
	 * Create an exception for a record that was not sent.
	 * @param topic the topic of the record, or {@code null} when no record was involved
	 * (a producer or a transaction was asked for)
	 */
	public KafkaSendRejectedException(@Nullable String topic) {
		super(((topic != null) ? "Kafka send to topic '" + topic + "' rejected" : "Kafka producer request rejected")
				+ ": the application is shutting down and its Kafka producers were already flushed, "
				+ "so a record sent now could not be delivered; send before the shutdown reaches the Kafka flush");
		this.topic = topic;
	}

	/**
	 * The topic of the rejected record.
	 * @return the topic, or {@code null} when no record was involved
	 */
	public @Nullable String getTopic() {
		return this.topic;
	}

}
