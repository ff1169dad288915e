package io.graceful.autoconfigure.amqp;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the RabbitMQ steps of a graceful shutdown: listener containers keep
 * consuming through withdraw, then finish the messages they have in hand and stop;
 * publisher confirms still pending are awaited before the channels close. Each step has
 * its own group, named like the step.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful")
public class RabbitShutdownProperties implements InitializingBean {

	private final RabbitmqListeners rabbitmqListeners = new RabbitmqListeners();

	private final RabbitmqFlush rabbitmqFlush = new RabbitmqFlush();

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.RABBITMQ_LISTENERS.property(), this.rabbitmqListeners.getTimeout());
		DurationRules.positive(GracefulStep.RABBITMQ_FLUSH.property(), this.rabbitmqFlush.getTimeout());
	}

	public RabbitmqListeners getRabbitmqListeners() {
		return this.rabbitmqListeners;
	}

	public RabbitmqFlush getRabbitmqFlush() {
		return this.rabbitmqFlush;
	}

	/**
	 * The rabbitmq-listeners step.
	 */
	public static class RabbitmqListeners {

		/**
		 * Longest time listener containers may take, after withdraw, to finish the
		 * messages they have in hand and stop. Messages still in processing then are
		 * interrupted, named in the log and, unless the acknowledge mode is NONE,
		 * redelivered by the broker.
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
	 * The rabbitmq-flush step.
	 */
	public static class RabbitmqFlush {

		/**
		 * Longest time all RabbitMQ channels together may take to receive the publisher
		 * confirms still pending, before the connections close. Sends still unconfirmed
		 * then are counted as unknown: the broker may or may not have them.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
