package io.graceful.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every parameter of a lab run, with defaults that fit a 2-core machine. {@link #parse}
 * reads {@code --name=value} (or {@code --name value}) options; {@link #usage()}
 * documents them.
 */
final class Settings {

	List<HaProxy.Mode> modes = List.of(HaProxy.Mode.L4, HaProxy.Mode.L7);

	List<Column.Balancer> balancers = List.of(Column.Balancer.HEALTH_CHECK, Column.Balancer.ENDPOINTS);

	/**
	 * How long the endpoint removal takes to reach the balancer in the endpoints model. 5
	 * s sits in the middle of the 1-10 s that EndpointSlice propagation to kube-proxy and
	 * ingress controllers typically takes (longer on large clusters); the README gives
	 * the sources.
	 */
	Duration propagation = Duration.ofSeconds(5);

	/**
	 * The preStop sleep of the plain+preStop column: Spring Boot's documentation uses
	 * {@code sleep 10}.
	 */
	Duration prestop = Duration.ofSeconds(10);

	Scenario scenario = Scenario.DEFAULT;

	/**
	 * Tomcat's worker threads ({@code server.tomcat.threads.max}); 0 keeps Tomcat's
	 * default (200).
	 */
	int threads;

	/** Spring Boot's task executor core size: the sample app's increments run on it. */
	int executorThreads = 8;

	/** What the load does around a SIGTERM. */
	enum Scenario {

		/**
		 * The mix, plus queued background increments on the instance before its SIGTERM.
		 */
		DEFAULT,

		/**
		 * As default, and the instance's worker threads all held by slow orders sent
		 * straight to it at SIGTERM, until after the withdraw: requests the balancer
		 * still routes there wait in the server's queue into the drain.
		 */
		SATURATION

	}

	/**
	 * A fault injected into every shutdown of the run ({@code --fault}); {@code NONE} by
	 * default.
	 */
	enum Fault {

		/** No fault. */
		NONE("none"),

		/**
		 * The Kafka broker stopped at the SIGTERM; started again once the instance exited
		 * (before its restart).
		 */
		BROKER_DOWN("broker-down"),

		/**
		 * PostgreSQL's postmaster and every backend paused with SIGSTOP 1 s after the
		 * SIGTERM for {@code --stall}, then SIGCONT.
		 */
		DB_STALL("db-stall"),

		/** A second SIGTERM 1 s after the first, during the withdraw. */
		DOUBLE_SIGTERM("double-sigterm"),

		/**
		 * A shutdown that cannot finish: orders sent straight to the instance hold
		 * workers far past a short grace period ({@code graceful.grace-period} =
		 * {@link ScenarioRun#SIGKILL_GRACE_MS}, web drain bound above it,
		 * {@code graceful.budget-check=warn}), and SIGKILL at the grace period: what the
		 * starter reported before the kill is what counts.
		 */
		SIGKILL_AT_GRACE("sigkill-at-grace"),

		/**
		 * Clients that download a large response and read it slowly, started through the
		 * balancer just before each SIGTERM.
		 */
		SLOW_CLIENT("slow-client");

		final String label;

		Fault(String label) {
			this.label = label;
		}

		static Fault parse(String value) {
			for (Fault fault : values()) {
				if (fault.label.equalsIgnoreCase(value)) {
					return fault;
				}
			}
			throw new IllegalArgumentException("--fault must be one of none, broker-down, db-stall, double-sigterm, "
					+ "sigkill-at-grace, slow-client, not '" + value + "'");
		}

	}

	Fault fault = Fault.NONE;

	/** The broker the sample app publishes orders to and consumes them from. */
	enum Broker {

		/** Kafka: a {@code kafka.Kafka} process; the sample app's default. */
		KAFKA("kafka", "Kafka"),

		/**
		 * RabbitMQ: a {@code rabbitmq-server} node; the sample app's {@code rabbitmq}
		 * profile (publisher confirms, the {@code orders} exchange and queue).
		 */
		RABBITMQ("rabbitmq", "RabbitMQ");

		final String label;

		final String displayName;

		Broker(String label, String displayName) {
			this.label = label;
			this.displayName = displayName;
		}

		static Broker parse(String value) {
			for (Broker broker : values()) {
				if (broker.label.equalsIgnoreCase(value)) {
					return broker;
				}
			}
			throw new IllegalArgumentException("--broker must be kafka or rabbitmq, not '" + value + "'");
		}

	}

	Broker broker = Broker.KAFKA;

	/** The saturation scenario's request timeout unless --request-timeout is given. */
	static final Duration SATURATION_REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/** {@code db-stall}: how long PostgreSQL stays stopped. */
	Duration stall = Duration.ofSeconds(3);

	boolean baseline;

	boolean baselineOnly;

	double rate = 40;

	/**
	 * {@code --load F}: the rate as a fraction of the measured capacity (NaN: --rate is
	 * used as given).
	 */
	double load = Double.NaN;

	/**
	 * Requests per second one instance sustains ({@code ./lab capacity}, or
	 * {@code --capacity}); NaN: unknown.
	 */
	double capacity = Double.NaN;

	private boolean rateGiven;

	Duration capacityStep = Duration.ofSeconds(20);

	Duration p99Max = Duration.ofSeconds(5);

	int instances = 2;

	int rounds = 2;

	Duration prewarm = Duration.ofSeconds(10);

	Duration warmup = Duration.ofSeconds(4);

	Duration settle = Duration.ofSeconds(2);

	Duration tail = Duration.ofSeconds(3);

	double incrementShare = 0.1;

	int incrementDelayMs = 2000;

	int burst = 12;

	double longShare = 0.25;

	int shortMaxMs = 50;

	int longMinMs = 300;

	int longMaxMs = 3000;

	long seed = 42;

	Duration withdrawDelay = Duration.ofSeconds(3);

	/**
	 * Whether graceful's withdraw ends once traffic has stopped (bounded by 10 s, never
	 * before HAProxy's detection time in the health-check model or 5 s in the endpoints
	 * model) instead of after the fixed {@link #withdrawDelay} or the Kubernetes 10 s.
	 */
	boolean trafficAwareWithdraw;

	/**
	 * The quiet period of the traffic-aware withdraw.
	 */
	static final Duration WITHDRAW_QUIET_PERIOD = Duration.ofSeconds(1);

	/** The bound of the traffic-aware withdraw, the starter's Kubernetes delay. */
	static final Duration WITHDRAW_MAX_DELAY = Duration.ofSeconds(10);

	/** Endpoints model: the traffic-aware withdraw's minimum, the default propagation. */
	static final Duration WITHDRAW_ENDPOINTS_MIN_DELAY = Duration.ofSeconds(5);

	long checkInterMs = 500;

	int checkFall = 2;

	int checkRise = 2;

	Duration catchUp = Duration.ofSeconds(60);

	Duration catchUpQuiet = Duration.ofSeconds(10);

	/**
	 * {@code broker-down}: the final wait's bound and quiet time unless given. After the
	 * broker restarts, the consumer group keeps the stopped instance's member, which
	 * could not leave while the broker was away, until its session times out (the Kafka
	 * consumer's {@code session.timeout.ms}, 45 s), and nothing is consumed from its
	 * partitions until then: a 10 s quiet time gave up before that.
	 */
	static final Duration BROKER_DOWN_CATCH_UP = Duration.ofSeconds(150);

	static final Duration BROKER_DOWN_CATCH_UP_QUIET = Duration.ofSeconds(75);

	private boolean catchUpGiven;

	Duration gracePeriod = Duration.ofSeconds(30);

	Duration requestTimeout = Duration.ofSeconds(15);

	private boolean requestTimeoutGiven;

	int clients = 4;

	/**
	 * Share of the rate sent as gRPC calls ({@link GrpcLoad}) instead of HTTP requests;
	 * 0: no gRPC server, no gRPC frontend.
	 */
	double grpcShare;

	/** Long-lived grpc-java channels the gRPC calls are spread over. */
	int grpcChannels = 4;

	Path jar = Path.of("sample-app/target/sample-app.jar");

	Path out = Path.of("lab-runs");

	boolean quiet;

	static String usage() {
		return """
				Usage: ./lab infra [--broker=kafka|rabbitmq]
				       ./lab demo [--baseline] [options]
				       ./lab capacity [--capacity-step=DUR] [--p99-max=DUR] [mix options]
				       ./lab handover [--baseline] [options]

				infra   starts PostgreSQL and Kafka (--broker rabbitmq: a RabbitMQ node), prints the --key=value
				        arguments an app instance needs, and stays in the foreground until SIGTERM/Ctrl+C (then stops both)
				demo    starts infra, HAProxy and the sample-app instances, rolls every instance under load in each mode,
				        verifies and writes a run folder (CSV, summary text/JSON, timeline PNG, index.html)

				capacity  the highest rate one instance sustains here with the mix: steps the rate up (x1.25 from 20/s),
				        each step --capacity-step long [20s] straight at one instance; a step passes with no failed
				        request and p99 under --p99-max [5s]; writes <out>/capacity.json for --load

				handover  one host, no HAProxy: load straight to one port while two graceful instances hand it over
				        (graceful.handover.enabled=true: start the successor, wait for its readiness UP on its own
				        management port, SIGTERM the old one) 2 x --rounds times [4]; --baseline also restarts plain
				        Spring Boot in place (stop, then start) as often and counts the refused requests. Runs in a
				        network namespace of its own (unshare -n, loopback up, net.ipv4.tcp_migrate_req=1 inside it;
				        needs root), so nothing on the host changes. Takes the demo options below that apply (--rate,
				        --rounds, the mix, --prewarm/--warmup/--settle/--tail, --clients, --seed, --baseline-only, ...)

				demo options (defaults fit a 2-core machine):
				  --baseline               also run plain Spring Boot (graceful.enabled=false) and, in the endpoints model,
				                           plain Spring Boot with a preStop sleep, side by side with the same load and seed
				  --baseline-only          run only the baseline (plain Spring Boot shutdown)
				  --mode=l4|l7|both        HAProxy mode tcp (L4, like kube-proxy) / http (L7, like an ingress) [both]
				  --lb=health-check|endpoints|both  how the balancer learns an instance goes away [both]:
				                           health-check: HAProxy's readiness check sees its 503 (cloud target groups);
				                           endpoints: Kubernetes; at the roll the check is switched off, SIGTERM goes at
				                           once (after --prestop for plain+preStop), the balancer drops the instance
				                           --propagation later; the starter runs with its Kubernetes defaults
				  --propagation=DUR        endpoints: deletion to removal in the balancer [5s]
				  --prestop=DUR            endpoints, plain+preStop column: preStop sleep before SIGTERM [10s]
				  --scenario=default|saturation  saturation: at each SIGTERM the instance's worker threads are all held
				                           by slow orders sent straight to it, so routed requests queue into the drain
				  --threads=N              server.tomcat.threads.max of the instances [200; saturation: 16]
				  --fault=NAME             a fault in every shutdown of the run [none]; the summary separates losses
				                           the starter reported (cut requests, undelivered records, cut tasks) from
				                           silent ones (acknowledged, missing, named nowhere); a fault run passes
				                           with 0 silent:
				                           broker-down       Kafka stopped at the SIGTERM, started again after the exit
				                           db-stall          PostgreSQL (postmaster and backends) SIGSTOPped 1s after
				                                             the SIGTERM for --stall [3s], then SIGCONT
				                           double-sigterm    a second SIGTERM 1s after the first
				                           sigkill-at-grace  4 orders held 20s on the instance, graceful.grace-period 10s,
				                                             web drain bound 25s (budget-check=warn), SIGKILL at 10s
				                           slow-client       4 clients download 2 MB through the balancer at 256 KB/s,
				                                             started just before each SIGTERM
				  --broker=kafka|rabbitmq  the broker orders go through [kafka]; rabbitmq: a rabbitmq-server node, the
				                           sample app's rabbitmq profile (confirms, exchange orders -> queue orders)
				  --rate=N                 requests per second, fixed arrival rate (open model) [40]
				  --load=F                 instead of --rate: F x the capacity ./lab capacity measured (<out>/capacity.json)
				  --capacity=N             the capacity to use for --load and to print beside the rate [capacity.json]
				  --instances=N            sample-app instances behind HAProxy [2]
				  --rounds=N               times every instance is rolled (restarts = instances x rounds) [2]
				  --prewarm=DUR            unmeasured orders-only load once the instances are UP, so no JVM is cold [10s]
				  --warmup=DUR             measured load before the first roll [4s]
				  --settle=DUR             load between an instance being UP again and the next roll [2s]
				  --tail=DUR               load after the last roll [3s]
				  --increment-share=F      share of requests that are POST /counter/increment [0.1]
				  --increment-delay=MS     delayMs of each increment (background task wait) [2000]
				  --burst=N                increments sent straight to an instance just before its SIGTERM, so background
				                           work is queued on its executor when the shutdown begins [12]
				  --long-share=F           share of orders with long work [0.25]
				  --short-max=MS           short orders: workMs 0..MS [50]
				  --long-min=MS --long-max=MS  long orders: workMs range [300..3000] (keep <= 3000: fits every bound)
				  --seed=N                 seed of the request mix [42]
				  --withdraw-delay=DUR     graceful.withdraw.delay given to the app [3s]; must exceed inter x fall + 1s
				  --withdraw=fixed|traffic graceful's withdraw lasts --withdraw-delay (health-check) or the Kubernetes 10s
				                           (endpoints) [fixed], or ends once traffic has stopped for 1s, not before
				                           inter x fall (health-check) or 5s (endpoints), at most 10s (traffic)
				  --check-inter=MS --check-fall=N --check-rise=N  HAProxy readiness check [500ms, 2, 2]
				  --catch-up=DUR           bound for waiting until consumer and background increments caught up
				                           [60s; broker-down: 150s]
				  --catch-up-quiet=DUR     stop waiting earlier when nothing changed for this long [10s; broker-down:
				                           75s, past the consumer session timeout of the stopped instance's member]
				  --grace-period=DUR       SIGKILL an instance that has not exited after this long [30s]
				  --request-timeout=DUR    a request without a response after this long is failed [15s; saturation: 30s]
				  --clients=N              keep-alive HTTP clients (each keeps its own connection pool) [4]
				  --grpc-share=F           share of the rate sent as gRPC calls (sample.Orders/Place, work 20..200ms) on
				                           long-lived grpc-java channels through a HAProxy mode tcp frontend in front
				                           of each instance's gRPC port (also in --mode l7), reported beside HTTP [0]
				  --grpc-channels=N        grpc-java channels the gRPC calls are spread over [4]
				  --jar=PATH               the sample app [sample-app/target/sample-app.jar]
				  --out=DIR                parent folder of run folders [lab-runs]
				""";
	}

	static Settings parse(List<String> args) {
		Settings settings = new Settings();
		List<String> all = new ArrayList<>(args);
		for (int i = 0; i < all.size(); i++) {
			String arg = all.get(i);
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
			}
			String name = arg.substring(2);
			String value = null;
			int equals = name.indexOf('=');
			if (equals >= 0) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			if (name.equals("baseline")) {
				settings.baseline = true;
				continue;
			}
			if (name.equals("baseline-only")) {
				settings.baselineOnly = true;
				continue;
			}
			if (name.equals("quiet")) {
				settings.quiet = true;
				continue;
			}
			if (value == null) {
				if (i + 1 >= all.size()) {
					throw new IllegalArgumentException("--" + name + " needs a value");
				}
				value = all.get(++i);
			}
			settings.set(name, value);
		}
		settings.validate();
		return settings;
	}

	private void set(String name, String value) {
		switch (name) {
			case "mode" -> this.modes = switch (value.toLowerCase(Locale.ROOT)) {
				case "l4" -> List.of(HaProxy.Mode.L4);
				case "l7" -> List.of(HaProxy.Mode.L7);
				case "both" -> List.of(HaProxy.Mode.L4, HaProxy.Mode.L7);
				default -> throw new IllegalArgumentException("--mode must be l4, l7 or both, not '" + value + "'");
			};
			case "lb" -> this.balancers = value.equalsIgnoreCase("both")
					? List.of(Column.Balancer.HEALTH_CHECK, Column.Balancer.ENDPOINTS)
					: List.of(Column.Balancer.parse(value));
			case "propagation" -> this.propagation = duration(value);
			case "prestop" -> this.prestop = duration(value);
			case "scenario" -> {
				this.scenario = switch (value.toLowerCase(Locale.ROOT)) {
					case "default" -> Scenario.DEFAULT;
					case "saturation" -> Scenario.SATURATION;
					default -> throw new IllegalArgumentException(
							"--scenario must be default or saturation, not '" + value + "'");
				};
				if (this.scenario == Scenario.SATURATION && this.threads == 0) {
					this.threads = 16;
				}
				if (this.scenario == Scenario.SATURATION && !this.requestTimeoutGiven) {
					// in the endpoints model requests queue behind the 11 s hold: up to
					// 14 s
					// before their answer, by construction, not because of the shutdown
					this.requestTimeout = SATURATION_REQUEST_TIMEOUT;
				}
			}
			case "threads" -> this.threads = Integer.parseInt(value);
			case "fault" -> this.fault = Fault.parse(value);
			case "broker" -> this.broker = Broker.parse(value);
			case "stall" -> this.stall = duration(value);
			case "rate" -> {
				this.rate = Double.parseDouble(value);
				this.rateGiven = true;
			}
			case "load" -> this.load = Double.parseDouble(value);
			case "capacity" -> this.capacity = Double.parseDouble(value);
			case "capacity-step" -> this.capacityStep = duration(value);
			case "p99-max" -> this.p99Max = duration(value);
			case "instances" -> this.instances = Integer.parseInt(value);
			case "rounds" -> this.rounds = Integer.parseInt(value);
			case "prewarm" -> this.prewarm = duration(value);
			case "warmup" -> this.warmup = duration(value);
			case "settle" -> this.settle = duration(value);
			case "tail" -> this.tail = duration(value);
			case "increment-share" -> this.incrementShare = Double.parseDouble(value);
			case "increment-delay" -> this.incrementDelayMs = Integer.parseInt(value);
			case "burst" -> this.burst = Integer.parseInt(value);
			case "long-share" -> this.longShare = Double.parseDouble(value);
			case "short-max" -> this.shortMaxMs = Integer.parseInt(value);
			case "long-min" -> this.longMinMs = Integer.parseInt(value);
			case "long-max" -> this.longMaxMs = Integer.parseInt(value);
			case "seed" -> this.seed = Long.parseLong(value);
			case "withdraw-delay" -> this.withdrawDelay = duration(value);
			case "withdraw" -> this.trafficAwareWithdraw = switch (value) {
				case "fixed" -> false;
				case "traffic" -> true;
				default ->
					throw new IllegalArgumentException("--withdraw must be fixed or traffic, not '" + value + "'");
			};
			case "check-inter" -> this.checkInterMs = duration(value.matches("\\d+") ? value + "ms" : value).toMillis();
			case "check-fall" -> this.checkFall = Integer.parseInt(value);
			case "check-rise" -> this.checkRise = Integer.parseInt(value);
			case "catch-up" -> {
				this.catchUp = duration(value);
				this.catchUpGiven = true;
			}
			case "catch-up-quiet" -> {
				this.catchUpQuiet = duration(value);
				this.catchUpGiven = true;
			}
			case "grace-period" -> this.gracePeriod = duration(value);
			case "request-timeout" -> {
				this.requestTimeout = duration(value);
				this.requestTimeoutGiven = true;
			}
			case "clients" -> this.clients = Integer.parseInt(value);
			case "grpc-share" -> this.grpcShare = Double.parseDouble(value);
			case "grpc-channels" -> this.grpcChannels = Integer.parseInt(value);
			case "jar" -> this.jar = Path.of(value);
			case "out" -> this.out = Path.of(value);
			default -> throw new IllegalArgumentException("Unknown option --" + name);
		}
	}

	void validate() {
		if (Double.isNaN(this.capacity)) {
			this.capacity = Capacity.read(this.out);
		}
		if (!Double.isNaN(this.load)) {
			require(!this.rateGiven, "give --rate or --load, not both");
			require(this.load > 0 && this.load <= 5, "--load must be in (0, 5]");
			require(!Double.isNaN(this.capacity) && this.capacity > 0,
					"--load needs the measured capacity: run " + "./lab capacity first (it writes "
							+ this.out.resolve("capacity.json") + ") or give --capacity=N");
			this.rate = Math.round(this.load * this.capacity * 10) / 10.0;
		}
		require(this.rate > 0 && this.rate <= 2000, "--rate must be in (0, 2000]");
		require(this.instances >= 2, "--instances must be at least 2 (one must serve while another restarts)");
		require(this.rounds >= 1, "--rounds must be at least 1");
		require(this.longMaxMs <= 3000, "--long-max must be <= 3000 so every request fits the drain bound");
		require(0 <= this.longMinMs && this.longMinMs <= this.longMaxMs, "--long-min must be in [0, --long-max]");
		require(this.burst >= 0 && this.burst <= 1000, "--burst must be in [0, 1000]");
		require(this.incrementShare >= 0 && this.incrementShare <= 1, "--increment-share must be in [0, 1]");
		require(this.grpcShare >= 0 && this.grpcShare <= 0.9, "--grpc-share must be in [0, 0.9]");
		require(this.grpcChannels >= 1 && this.grpcChannels <= 64, "--grpc-channels must be in [1, 64]");
		require(this.longShare >= 0 && this.longShare <= 1, "--long-share must be in [0, 1]");
		require(this.incrementDelayMs >= 0 && this.incrementDelayMs <= 60000, "--increment-delay must be 0..60000");
		require(!this.propagation.isNegative() && this.propagation.compareTo(this.gracePeriod) < 0,
				"--propagation must be in [0, --grace-period)");
		require(!this.prestop.isNegative() && this.prestop.compareTo(this.gracePeriod) < 0,
				"--prestop must be in [0, --grace-period)");
		require(this.threads >= 0 && this.threads <= 1000, "--threads must be in [0, 1000] (0: Tomcat's default)");
		require(this.broker == Broker.KAFKA || this.fault != Fault.BROKER_DOWN,
				"--fault broker-down stops the Kafka broker; it does not apply to --broker rabbitmq");
		if (this.fault == Fault.BROKER_DOWN && !this.catchUpGiven) {
			this.catchUp = BROKER_DOWN_CATCH_UP;
			this.catchUpQuiet = BROKER_DOWN_CATCH_UP_QUIET;
		}
		require(this.checkFall >= 1 && this.checkRise >= 1 && this.checkInterMs >= 100,
				"--check-inter must be >= 100ms and --check-fall/--check-rise >= 1");
	}

	/** The rate and, when the capacity is known, its fraction of it. */
	String rateDescription() {
		return String.format(Locale.ROOT, "%s req/s", this.rate) + (Double.isNaN(this.capacity) ? ""
				: String.format(Locale.ROOT, " (%.2f x the measured capacity of one instance, %.1f req/s)",
						this.rate / this.capacity, this.capacity));
	}

	/** The columns of one balancer model, in order. */
	List<Column.App> apps(Column.Balancer balancer) {
		List<Column.App> apps = new ArrayList<>();
		if (!this.baselineOnly) {
			apps.add(Column.App.GRACEFUL);
		}
		if (this.baseline || this.baselineOnly) {
			apps.add(Column.App.PLAIN);
			if (balancer == Column.Balancer.ENDPOINTS && !this.prestop.isZero()) {
				apps.add(Column.App.PRESTOP);
			}
		}
		return apps;
	}

	/** Tomcat's worker threads in effect. */
	int workerThreads() {
		return (this.threads > 0) ? this.threads : 200;
	}

	boolean grpc() {
		return this.grpcShare > 0;
	}

	/** The measured load's mix of orders and background increments. */
	LoadGenerator.Mix mix() {
		return new LoadGenerator.Mix(this.incrementShare, this.longShare, this.shortMaxMs, this.longMinMs,
				this.longMaxMs, this.incrementDelayMs);
	}

	/** The pre-warm's mix: the same orders, no background increments. */
	LoadGenerator.Mix ordersOnlyMix() {
		return new LoadGenerator.Mix(0, this.longShare, this.shortMaxMs, this.longMinMs, this.longMaxMs,
				this.incrementDelayMs);
	}

	/** Requests per second sent over HTTP: the rate less the gRPC share. */
	double httpRate() {
		return this.rate * (1 - this.grpcShare);
	}

	/** gRPC calls per second: the gRPC share of the rate. */
	double grpcRate() {
		return this.rate * this.grpcShare;
	}

	HaProxy.HealthCheck healthCheck() {
		return new HaProxy.HealthCheck(this.checkInterMs, this.checkFall, this.checkRise);
	}

	/**
	 * The margin by which the withdraw delay exceeds the time HAProxy needs to see the
	 * instance DOWN.
	 */
	long withdrawMarginMs() {
		return this.withdrawDelay.toMillis() - healthCheck().detectionMs();
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	static Duration duration(String value) {
		String v = value.trim().toLowerCase(Locale.ROOT);
		if (v.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
		}
		if (v.endsWith("s")) {
			return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
		}
		if (v.endsWith("m")) {
			return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
		}
		return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
	}

}
