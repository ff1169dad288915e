package io.graceful.autoconfigure.amqp;

import org.springframework.amqp.AmqpException;

/**
 * Thrown by a RabbitMQ send once a graceful shutdown has begun flushing publisher
 * confirms: a message published then could not be confirmed before the connections close
 * (Spring AMQP would otherwise open a new connection for it, which nothing closes in
 * time).
 *
 * @since 0.1.0
 */
public class RabbitSendRejectedException extends AmqpException {

	/**
	 * Create an exception for a send that was not made.
	 * @param what what was rejected, for example
	 * {@code RabbitMQ send to exchange 'orders'}
	 */
	public RabbitSendRejectedException(String what) {
		super(what + " rejected: the application is shutting down and its RabbitMQ publisher confirms "
				+ "were already flushed, so a message sent now could not be confirmed; send before the shutdown "
				+ "reaches the RabbitMQ flush");
	}

}
