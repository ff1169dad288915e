package io.graceful.autoconfigure.core;

/**
 * The built-in steps of a graceful shutdown, in the order they run. Each has one name,
 * used alike by its bound, the report, the {@code graceful} endpoint, the metric tags,
 * the logs and the rollout lab, and one property group of the same name whose
 * {@code timeout} bounds it (the withdraw's {@code delay} is how long it waits on
 * purpose, not a bound on work).
 *
 * @since 0.1.0
 */
public enum GracefulStep {

	/**
	 * Readiness refuses traffic while requests are still served, until load balancers
	 * have caught up.
	 */
	WITHDRAW("withdraw", "graceful.withdraw.delay"),

	/**
	 * Kafka listener containers finish their current poll and commit.
	 */
	KAFKA_LISTENERS("kafka-listeners"),

	/**
	 * RabbitMQ listener containers finish the messages in hand and stop.
	 */
	RABBITMQ_LISTENERS("rabbitmq-listeners"),

	/**
	 * The web server stops accepting and in-flight requests finish.
	 */
	WEB_DRAIN("web-drain"),

	/**
	 * Spring Boot's gRPC server refuses new calls, ends streaming calls and lets calls in
	 * flight finish, alongside the web drain.
	 */
	GRPC_DRAIN("grpc-drain"),

	/**
	 * Executors' queued and running tasks and tracked work finish.
	 */
	BACKGROUND_WORK("background-work"),

	/**
	 * Connection pools wait until no connection is in use.
	 */
	DATASOURCE_DRAIN("datasource-drain"),

	/**
	 * R2DBC connection pools wait until no connection is acquired.
	 */
	R2DBC_DRAIN("r2dbc-drain"),

	/**
	 * Kafka producers deliver what they buffer.
	 */
	KAFKA_FLUSH("kafka-flush"),

	/**
	 * RabbitMQ publisher confirms still pending are awaited.
	 */
	RABBITMQ_FLUSH("rabbitmq-flush"),

	/**
	 * Kafka producers close.
	 */
	KAFKA_PRODUCERS_CLOSE("kafka-producers-close");

	private final String id;

	private final String property;

	GracefulStep(String id) {
		this(id, "graceful." + id + ".timeout");
	}

	GracefulStep(String id, String property) {
		this.id = id;
		this.property = property;
	}

	/**
	 * The step's name.
	 * @return the name, for example {@code web-drain}
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The property that bounds the step.
	 * @return the property name, for example {@code graceful.web-drain.timeout}
	 */
	public String property() {
		return this.property;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
