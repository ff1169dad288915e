package io.graceful.autoconfigure.core;

import org.springframework.context.SmartLifecycle;

/**
 * The {@link SmartLifecycle} phases of a graceful shutdown, highest first (higher phases
 * stop first). Applications can place their own lifecycle beans between these steps.
 *
 * @since 0.1.0
 */
public final class GracefulPhases {

	/**
	 * Withdraw from load balancing: readiness refuses traffic, requests are still served.
	 */
	public static final int WITHDRAW = Integer.MAX_VALUE;

	/**
	 * Spring Kafka's listener containers stop (their own default phase).
	 */
	public static final int KAFKA_LISTENERS = Integer.MAX_VALUE - 100;

	/**
	 * RabbitMQ listener containers stop (moved here from Spring AMQP's default,
	 * {@code Integer.MAX_VALUE}, so they keep consuming through withdraw).
	 */
	public static final int RABBIT_LISTENERS = Integer.MAX_VALUE - 200;

	/**
	 * Just before Spring Boot's graceful web shutdown: the web drain starts, the server
	 * stops accepting, and requests queued for a worker thread are handed to the
	 * application before the server is paused.
	 */
	public static final int WEB_DRAIN_START = SmartLifecycle.DEFAULT_PHASE - 1023;

	/**
	 * Spring Boot's graceful web shutdown: the server stops accepting, in-flight requests
	 * finish.
	 */
	public static final int WEB_DRAIN = SmartLifecycle.DEFAULT_PHASE - 1024;

	/**
	 * Just after the web drain: requests still in flight are named as stragglers.
	 */
	public static final int WEB_DRAIN_END = WEB_DRAIN - 1;

	/**
	 * Spring Boot stops the web server.
	 */
	public static final int WEB_STOP = WEB_DRAIN - 1024;

	/**
	 * Background work: executors' queued and running tasks and tracked work finish. Runs
	 * before Spring pauses its executors at {@link #EXECUTORS_PAUSE}.
	 */
	public static final int BACKGROUND_WORK = Integer.MAX_VALUE / 2 + 1024;

	/**
	 * Spring's executors and schedulers pause ({@code ExecutorConfigurationSupport}).
	 */
	public static final int EXECUTORS_PAUSE = Integer.MAX_VALUE / 2;

	/**
	 * DataSource drain: wait until pools have no active connection.
	 */
	public static final int DATASOURCE_DRAIN = Integer.MIN_VALUE + 2000;

	/**
	 * R2DBC drain: wait until pools have no acquired connection.
	 */
	public static final int R2DBC_DRAIN = Integer.MIN_VALUE + 1900;

	/**
	 * Kafka flush: every producer is flushed.
	 */
	public static final int KAFKA_FLUSH = Integer.MIN_VALUE + 1000;

	/**
	 * RabbitMQ flush: publisher confirms still pending are awaited, then connections
	 * close.
	 */
	public static final int RABBITMQ_FLUSH = Integer.MIN_VALUE + 900;

	/**
	 * Spring Kafka's producer factories close their producers.
	 */
	public static final int KAFKA_PRODUCERS_CLOSE = Integer.MIN_VALUE;

	private GracefulPhases() {
	}

}
