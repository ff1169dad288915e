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
	WITHDRAW("withdraw", "graceful.withdraw.delay", "Withdraw", false),

	/**
	 * Kafka listener containers finish their current poll and commit.
	 */
	KAFKA_LISTENERS("kafka-listeners", "Kafka listeners", true),

	/**
	 * RabbitMQ listener containers finish the messages in hand and stop.
	 */
	RABBITMQ_LISTENERS("rabbitmq-listeners", "RabbitMQ listeners", true),

	/**
	 * The web server stops accepting and in-flight requests finish.
	 */
	WEB_DRAIN("web-drain", "Web drain", false),

	/**
	 * Spring Boot's gRPC server refuses new calls, ends streaming calls and lets calls in
	 * flight finish, alongside the web drain.
	 */
	GRPC_DRAIN("grpc-drain", "gRPC drain", false),

	/**
	 * Executors' queued and running tasks and tracked work finish.
	 */
	BACKGROUND_WORK("background-work", "Background work", false),

	/**
	 * Connection pools wait until no connection is in use.
	 */
	DATASOURCE_DRAIN("datasource-drain", "DataSource drain", false),

	/**
	 * R2DBC connection pools wait until no connection is acquired.
	 */
	R2DBC_DRAIN("r2dbc-drain", "R2DBC drain", false),

	/**
	 * Kafka producers deliver what they buffer.
	 */
	KAFKA_FLUSH("kafka-flush", "Kafka flush", false),

	/**
	 * RabbitMQ publisher confirms still pending are awaited.
	 */
	RABBITMQ_FLUSH("rabbitmq-flush", "RabbitMQ flush", false),

	/**
	 * Kafka producers close.
	 */
	KAFKA_PRODUCERS_CLOSE("kafka-producers-close", "Kafka producers close", false);

	private final String id;

	private final String property;

	private final String title;

	private final boolean plural;

	GracefulStep(String id, String title, boolean plural) {
		this(id, "graceful." + id + ".timeout", title, plural);
	}

	GracefulStep(String id, String property, String title, boolean plural) {
		this.id = id;
		this.property = property;
		this.title = title;
		this.plural = plural;
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

	/**
	 * How the step's log lines name it.
	 * @return the title, for example {@code Web drain}
	 */
	public String title() {
		return this.title;
	}

	/**
	 * Whether the title is plural ("Kafka listeners hit their bound").
	 * @return {@code true} when it is
	 */
	boolean plural() {
		return this.plural;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
