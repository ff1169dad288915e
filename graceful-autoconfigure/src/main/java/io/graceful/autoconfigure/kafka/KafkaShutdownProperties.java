package io.graceful.autoconfigure.kafka;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Kafka steps of a graceful shutdown: listener containers stop, producers
 * are flushed, then closed. Each step has its own group, named like the step.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful")
public class KafkaShutdownProperties implements InitializingBean {

	private final KafkaListeners kafkaListeners = new KafkaListeners();

	private final KafkaFlush kafkaFlush = new KafkaFlush();

	private final KafkaProducersClose kafkaProducersClose = new KafkaProducersClose();

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.KAFKA_LISTENERS.property(), this.kafkaListeners.getTimeout());
		DurationRules.positive(GracefulStep.KAFKA_FLUSH.property(), this.kafkaFlush.getTimeout());
		DurationRules.wholeSeconds(GracefulStep.KAFKA_PRODUCERS_CLOSE.property(), this.kafkaProducersClose.getTimeout(),
				"Spring Kafka closes producers with a timeout in seconds");
	}

	public KafkaListeners getKafkaListeners() {
		return this.kafkaListeners;
	}

	public KafkaFlush getKafkaFlush() {
		return this.kafkaFlush;
	}

	public KafkaProducersClose getKafkaProducersClose() {
		return this.kafkaProducersClose;
	}

	/**
	 * The kafka-listeners step.
	 */
	public static class KafkaListeners {

		/**
		 * Longest time listener containers may take to finish the records of their
		 * current poll and commit their offsets. Containers still running then are named
		 * in the log and left behind; their uncommitted records are delivered again after
		 * the restart.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * The kafka-flush step.
	 */
	public static class KafkaFlush {

		/**
		 * Longest time all Kafka producers together may take to deliver the records they
		 * still buffer. Records not delivered by then are counted in the log.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * The kafka-producers-close step.
	 */
	public static class KafkaProducersClose {

		/**
		 * Longest time all Kafka producers together may take to close after the flush, in
		 * whole seconds (Spring Kafka's physical close timeout). Records still pending
		 * then fail.
		 */
		private Duration timeout = Duration.ofSeconds(1);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
