package io.graceful.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./lab} command: {@code infra}, {@code demo}, {@code capacity} and
 * {@code handover}.
 */
public final class Lab {

	private Lab() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			System.out.print(Settings.usage());
			return;
		}
		List<String> rest = Arrays.asList(args).subList(1, args.length);
		if (!args[0].equals("infra")) {
			Runtime.getRuntime().addShutdownHook(new Thread(Lab::stopChildren, "lab-stop-children"));
		}
		try {
			switch (args[0]) {
				case "infra" -> infra(Settings.parse(rest).broker);
				case "demo" -> System.exit(demo(Settings.parse(rest)));
				case "capacity" -> System.exit(capacity(Settings.parse(rest)));
				case "handover" -> System.exit(Handover.run(Settings.parse(rest), rest));
				default -> {
					System.err.println("Unknown command '" + args[0] + "'\n");
					System.err.print(Settings.usage());
					System.exit(2);
				}
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage() + "\n");
			System.err.print(Settings.usage());
			System.exit(2);
		}
	}

	/**
	 * Ctrl+C or SIGTERM in the middle of a run: stop what the lab started (instances,
	 * HAProxy, Kafka, PostgreSQL) instead of leaving them running; SIGKILL after 10 s.
	 * After a normal end there is nothing left to stop.
	 */
	private static void stopChildren() {
		List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
		if (children.isEmpty()) {
			return;
		}
		System.err.println("Stopping " + children.size() + " processes the lab started");
		children.forEach((child) -> {
			// PostgreSQL's postmaster stops its backends itself
			child.destroy();
		});
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		for (ProcessHandle child : children) {
			while (child.isAlive() && System.nanoTime() < deadline) {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			if (child.isAlive()) {
				child.destroyForcibly();
			}
		}
	}

	private static void infra(Settings.Broker broker) throws Exception {
		// readable by others: a RabbitMQ node runs as the rabbitmq user and needs to
		// reach its folder below
		Path dir = Files.createTempDirectory("graceful-lab-infra", java.nio.file.attribute.PosixFilePermissions
			.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
		System.err.println("Starting PostgreSQL and " + broker.displayName + " (work folder " + dir + ")");
		Infra infra = Infra.start(dir, broker);
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.err.println("Stopping " + broker.displayName + " and PostgreSQL");
			infra.close();
			System.err.println("Stopped");
			stopped.countDown();
		}, "lab-infra-stop"));
		infra.appArguments().forEach(System.out::println);
		System.out.flush();
		System.err
			.println("Ready. Start an instance with: java -jar sample-app/target/sample-app.jar --server.port=8080 "
					+ "<the lines above>; stop with Ctrl+C");
		stopped.await();
	}

	static int capacity(Settings settings) throws Exception {
		Path runDir = settings.out
			.resolve("capacity-"
					+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
			.toAbsolutePath();
		if (!Files.isRegularFile(settings.jar)) {
			System.err.println("Cannot find " + settings.jar + "; build it first: ./mvnw -B -DskipTests install");
			return 2;
		}
		System.out.printf(Locale.ROOT,
				"Measuring what one instance sustains (steps of %ds, x%.2f from %.0f req/s; "
						+ "passes with 0 failed and p99 < %dms); run folder %s%n",
				settings.capacityStep.toSeconds(), Capacity.STEP, Capacity.START_RATE, settings.p99Max.toMillis(),
				runDir);
		System.out.println("Starting PostgreSQL and " + settings.broker.displayName);
		double capacity;
		try (Infra infra = Infra.start(runDir.resolve("infra"), settings.broker)) {
			capacity = Capacity.measure(infra, settings, runDir);
		}
		System.out.printf(Locale.ROOT,
				"Capacity of one instance on this machine: %.1f req/s with the lab's mix "
						+ "(written to %s; ./lab demo --load 0.8 runs at 80%% of it)%n",
				capacity, settings.out.resolve("capacity.json"));
		return (capacity > 0) ? 0 : 1;
	}

	static int demo(Settings settings) throws Exception {
		Path runDir = settings.out
			.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
			.toAbsolutePath();
		Files.createDirectories(runDir);
		if (!Files.isRegularFile(settings.jar)) {
			System.err.println("Cannot find " + settings.jar + "; build it first: ./mvnw -B -DskipTests install");
			return 2;
		}
		String haproxy = HaProxy.locate(true, runDir.resolve("apt-get.log"));
		if (haproxy == null) {
			System.err.println("HAProxy is not installed and cannot be installed here (needs root and apt-get). "
					+ "Install the Debian/Ubuntu package 'haproxy' (or put haproxy in /usr/sbin) and run again.");
			return 2;
		}
		String header = header(settings);
		System.out.print(header);
		System.out.println("Run folder: " + runDir);
		System.out.println("Starting PostgreSQL and " + settings.broker.displayName);
		List<RunResult> runs = new ArrayList<>();
		try (Infra infra = Infra.start(runDir.resolve("infra"), settings.broker)) {
			for (HaProxy.Mode mode : settings.modes) {
				for (Column.Balancer balancer : settings.balancers) {
					for (Column.App app : settings.apps(balancer)) {
						runs.add(runOne(infra, haproxy, settings, mode, balancer, app, runDir));
					}
				}
			}
		}
		Report.writeSummary(runDir, settings, header, runs);
		System.out.println();
		System.out.print(Report.table(runs));
		System.out.println();
		System.out.println("Run folder: " + runDir + " (summary.txt, summary.json, index.html, <mode>/requests.csv, "
				+ "<mode>/timeline.png, <mode>/app-*.log)");
		boolean gracefulLostSomething = runs.stream().anyMatch((r) -> r.graceful() && !r.lostNothing());
		long silent = runs.stream().mapToLong(RunResult::silentLosses).sum();
		if (silent > 0) {
			System.out.println("SILENT LOSS: " + silent + " lost (failed requests, missing events, increments or rows) "
					+ "beyond what the shutdown summaries reported as cut; see 'losses reported / silent', "
					+ "'routed until / failed / cut' per restart, requests.csv and each app-N.log");
		}
		if (settings.fault != Settings.Fault.NONE) {
			// a fault may cost something; it may not cost anything the starter did not
			// name
			boolean unaccounted = runs.stream().anyMatch((r) -> r.graceful() && !r.verification().caughtUp());
			return (silent > 0 || unaccounted) ? 1 : 0;
		}
		return gracefulLostSomething ? 1 : 0;
	}

	static RunResult runOne(Infra infra, String haproxy, Settings settings, HaProxy.Mode mode, Column.Balancer balancer,
			Column.App app, Path runDir) {
		RunResult run = new ScenarioRun(infra, haproxy, settings, mode, balancer, app, runDir).run();
		Report.writeRun(run);
		System.out.printf(
				"[%s] done: sent %d, failed %d%s (silent %d), missing rows %d, missing events %d, "
						+ "missing increments %d; %s%n",
				run.label(), run.sent(), run.failed(),
				settings.grpc() ? "; gRPC calls " + run.grpcSent() + ", failed " + run.grpcFailed() : "",
				run.silentLosses(), run.verification().missingOrders(), run.verification().missingEvents(),
				run.verification().missingIncrements(), run.verification().catchUp());
		return run;
	}

	static String header(Settings s) {
		String fault = (s.fault != Settings.Fault.NONE) ? String.format(Locale.ROOT,
				"%n  fault in every shutdown: %s%s", s.fault.label,
				(s.fault == Settings.Fault.DB_STALL) ? " (" + s.stall.toMillis() + "ms)"
						: (s.fault == Settings.Fault.BROKER_DOWN) ? String.format(Locale.ROOT,
								" (producers with metadata.recovery.strategy=none, so a send while the broker "
										+ "is away buffers instead of blocking; final wait up to %ds, %ds without progress)",
								s.catchUp.toSeconds(), s.catchUpQuiet.toSeconds()) : "")
				: "";
		fault += s.grpc() ? String.format(Locale.ROOT,
				"%n  gRPC mix: %.0f%% of the rate as unary sample.Orders/Place calls (work %d..%dms) on %d long-lived "
						+ "grpc-java channels through a HAProxy mode tcp frontend (readiness checked on HTTP)",
				s.grpcShare * 100, GrpcLoad.WORK_MIN_MS, GrpcLoad.WORK_MAX_MS, s.grpcChannels) : "";
		String saturation = (s.scenario == Settings.Scenario.SATURATION) ? String.format(Locale.ROOT,
				"%n  saturation: Tomcat threads.max %d; at each SIGTERM %d orders sent straight to the instance hold its "
						+ "workers until %dms past the withdraw delay",
				s.workerThreads(), s.workerThreads() + ScenarioRun.SATURATION_EXTRA,
				ScenarioRun.SATURATION_PAST_WITHDRAW_MS) + fault : fault;
		String broker = (s.broker == Settings.Broker.RABBITMQ) ? String.format(Locale.ROOT,
				"%n  broker: RabbitMQ (sample app profile rabbitmq: publisher confirms to exchange orders, "
						+ "@RabbitListener on queue orders; a second delivery of an order is counted, not stored)")
				: "";
		return String.format(Locale.ROOT,
				"""
						graceful rollout lab: %d instances behind HAProxy (%s; %s), %d roll(s) each, %s open-model load
						  mix: %.0f%% counter increments (delayMs %d) + %d queued straight on each instance before its SIGTERM, orders with workMs 0..%d (%.0f%% long: %d..%d)%s%s
						  health-check model: HAProxy readiness check GET %s every %dms, fall %d, rise %d (DOWN after %dms); graceful.withdraw.delay %dms (%dms margin)%s%s
						  endpoints model (Kubernetes): at the roll the check is off, removal after %dms, SIGTERM at once (plain+preStop: after %dms); graceful with spring.main.cloud-platform=kubernetes (its defaults)
						  retries 0, no redispatch; pre-warm %ss (unmeasured), warm-up %ss, settle %ss, tail %ss; SIGKILL %ss after the roll start; seed %d
						""",
				s.instances, s.modes.stream().map(Enum::name).reduce((a, b) -> a + ", " + b).orElse(""),
				s.balancers.stream().map((b) -> b.label).reduce((a, b) -> a + ", " + b).orElse(""), s.rounds,
				s.rateDescription(), s.incrementShare * 100, s.incrementDelayMs, s.burst, s.shortMaxMs,
				s.longShare * 100, s.longMinMs, s.longMaxMs, saturation, broker, HaProxy.READINESS_PATH, s.checkInterMs,
				s.checkFall, s.checkRise, s.healthCheck().detectionMs(), s.withdrawDelay.toMillis(),
				s.withdrawMarginMs(), (s.withdrawMarginMs() < 1000) ? "  WARNING: margin under 1s" : "",
				s.trafficAwareWithdraw ? String.format(Locale.ROOT,
						"; --withdraw=traffic: graceful instead ends its withdraw once traffic has stopped for %dms, "
								+ "not before %dms, at most %dms",
						Settings.WITHDRAW_QUIET_PERIOD.toMillis(), s.healthCheck().detectionMs(),
						Settings.WITHDRAW_MAX_DELAY.toMillis()) : "",
				s.propagation.toMillis(), s.prestop.toMillis(), s.prewarm.toMillis() / 1000.0,
				s.warmup.toMillis() / 1000.0, s.settle.toMillis() / 1000.0, s.tail.toMillis() / 1000.0,
				s.gracePeriod.toSeconds(), s.seed);
	}

}
