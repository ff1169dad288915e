package io.graceful.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.Ports;

/**
 * One scenario: HAProxy in one mode and balancer model, fresh tables, {@code instances}
 * sample-app instances of one column (graceful, plain Boot, plain Boot with preStop),
 * load at a fixed rate while every instance is rolled (SIGTERM, exit, restart, UP in
 * HAProxy), then the counts.
 */
final class ScenarioRun {

	/**
	 * Saturation scenario: the slow orders hold the workers this long past the withdraw
	 * delay.
	 */
	static final long SATURATION_PAST_WITHDRAW_MS = 1000;

	/**
	 * Saturation scenario, health-check model: this many more slow orders than worker
	 * threads, so some wait in the queue too.
	 */
	static final int SATURATION_EXTRA = 4;

	/** {@code sigkill-at-grace}: the short grace period, and SIGKILL at its end. */
	static final long SIGKILL_GRACE_MS = 10_000;

	/** {@code sigkill-at-grace}: orders held on the instance, and for how long. */
	static final int SIGKILL_HELD = 4;

	static final int SIGKILL_HOLD_MS = 20_000;

	/** {@code slow-client}: clients, size and reading speed of each download. */
	static final int SLOW_CLIENTS = 4;

	static final int SLOW_KB = 2048;

	static final int SLOW_BYTES_PER_SECOND = 256 * 1024;

	/**
	 * {@code broker-down}: the producers keep the topic's metadata while the broker is
	 * away. With Kafka 4's default {@code metadata.recovery.strategy=rebootstrap} a
	 * client that reaches none of its brokers drops what it knew and bootstraps again, so
	 * every {@code send()} then waits for the topic's metadata up to {@code max.block.ms}
	 * (60 s) on the request thread: the orders of every instance, not only the stopping
	 * one, blocked for as long as the broker was away, which is a broker outage, not a
	 * shutdown. With {@code none} a send while the broker is away only buffers the
	 * record, and the shutdown's Kafka flush is what the fault tests.
	 */
	static final List<String> BROKER_DOWN_PRODUCER = List
		.of("--spring.kafka.producer.properties.metadata.recovery.strategy=none");

	/**
	 * {@code db-stall} and {@code double-sigterm}: the fault comes this long after
	 * SIGTERM.
	 */
	static final long FAULT_AFTER_SIGTERM_MS = 1000;

	private final Infra infra;

	private final String haproxy;

	private final Settings settings;

	private final HaProxy.Mode mode;

	private final Column.Balancer balancer;

	private final Column.App app;

	private final String label;

	private final RunProgress progress;

	private final Path dir;

	private final String idPrefix;

	private volatile LoadGenerator load;

	private volatile GrpcLoad grpcLoad;

	/** Each instance's gRPC port (gRPC mix only). */
	private final Map<String, Integer> grpcPorts = new LinkedHashMap<>();

	ScenarioRun(Infra infra, String haproxy, Settings settings, HaProxy.Mode mode, Column.Balancer balancer,
			Column.App app, Path runDir) {
		this.infra = infra;
		this.haproxy = haproxy;
		this.settings = settings;
		this.mode = mode;
		this.balancer = balancer;
		this.app = app;
		this.label = label(mode, balancer, app);
		this.progress = new RunProgress(this.label, settings.quiet, this::loadCounts);
		String m = mode.name().toLowerCase(Locale.ROOT);
		this.idPrefix = m + balancer.label.charAt(0) + app.code;
		this.dir = runDir.resolve(m + "-" + balancer.label + "-" + app.name().toLowerCase(Locale.ROOT));
	}

	static String label(HaProxy.Mode mode, Column.Balancer balancer, Column.App app) {
		return mode + " " + balancer.label + " " + app.label;
	}

	/**
	 * The withdraw delay the starter uses in this model: the lab's setting, or its
	 * Kubernetes default.
	 */
	private long withdrawDelayMs() {
		if (this.balancer == Column.Balancer.ENDPOINTS) {
			return 10_000;
		}
		return this.settings.trafficAwareWithdraw ? Settings.WITHDRAW_MAX_DELAY.toMillis()
				: this.settings.withdrawDelay.toMillis();
	}

	/** The platform's grace period: the setting, or the sigkill-at-grace fault's. */
	private long gracePeriodMs() {
		return (this.settings.fault == Settings.Fault.SIGKILL_AT_GRACE) ? SIGKILL_GRACE_MS
				: this.settings.gracePeriod.toMillis();
	}

	private List<String> appCommand(String name, int port) {
		List<String> extra = new ArrayList<>(
				List.of("--sample.instance=" + name, "--graceful.grace-period=" + gracePeriodMs() + "ms"));
		if (this.settings.fault == Settings.Fault.SIGKILL_AT_GRACE) {
			// a bound above the grace period: the shutdown cannot finish and is killed
			extra.add("--graceful.budget-check=warn");
			extra.add("--graceful.web-drain.timeout=" + (SIGKILL_HOLD_MS + 5000) + "ms");
		}
		if (this.settings.fault == Settings.Fault.BROKER_DOWN) {
			extra.addAll(BROKER_DOWN_PRODUCER);
		}
		if (this.balancer == Column.Balancer.ENDPOINTS) {
			// as on Kubernetes: the starter takes its defaults from the platform (10 s
			// withdraw delay)
			extra.add("--spring.main.cloud-platform=kubernetes");
			if (this.settings.trafficAwareWithdraw) {
				extra.add("--graceful.withdraw.min-delay=" + Settings.WITHDRAW_ENDPOINTS_MIN_DELAY.toMillis() + "ms");
				extra.add("--graceful.withdraw.quiet-period=" + Settings.WITHDRAW_QUIET_PERIOD.toMillis() + "ms");
			}
		}
		else if (this.settings.trafficAwareWithdraw) {
			extra.add("--graceful.withdraw.delay=" + Settings.WITHDRAW_MAX_DELAY.toMillis() + "ms");
			extra.add("--graceful.withdraw.min-delay=" + this.settings.healthCheck().detectionMs() + "ms");
			extra.add("--graceful.withdraw.quiet-period=" + Settings.WITHDRAW_QUIET_PERIOD.toMillis() + "ms");
		}
		else {
			extra.add("--graceful.withdraw.delay=" + this.settings.withdrawDelay.toMillis() + "ms");
		}
		if (this.settings.threads > 0) {
			extra.add("--server.tomcat.threads.max=" + this.settings.threads);
		}
		if (this.settings.grpc()) {
			extra.add("--sample.grpc.enabled=true");
			extra.add("--spring.grpc.server.address=127.0.0.1");
			extra.add("--spring.grpc.server.port=" + this.grpcPorts.get(name));
		}
		return AppInstance.command(this.settings.jar.toAbsolutePath(), port, this.infra.appArguments(),
				this.app == Column.App.GRACEFUL, extra);
	}

	RunResult run() {
		this.progress.start(this.dir);
		List<AppInstance.Event> events = AppInstance.newEventList();
		List<AppInstance> instances = new ArrayList<>();
		HaProxy balancer = new HaProxy(this.dir, this.mode, this.settings.healthCheck());
		try {
			Tables.reset(this.infra);
			Map<String, Integer> servers = new LinkedHashMap<>();
			for (int i = 1; i <= this.settings.instances; i++) {
				servers.put("app-" + i, Ports.free());
				if (this.settings.grpc()) {
					this.grpcPorts.put("app-" + i, Ports.free());
				}
			}
			if (this.settings.grpc()) {
				balancer.grpc(this.grpcPorts);
			}
			balancer.start(this.haproxy, servers);
			servers.forEach((name, port) -> instances
				.add(new AppInstance(name, port, appCommand(name, port), this.dir.resolve(name + ".log"), events)));
			this.progress.phase("starting " + instances.size() + " instances");
			instances.forEach(AppInstance::start);
			for (AppInstance instance : instances) {
				awaitUp(balancer, instance);
			}
			prewarm(balancer);
			this.load = new LoadGenerator(balancer.port(), this.settings.httpRate(), this.settings.mix(),
					this.settings.seed, this.idPrefix, this.settings.clients, this.settings.requestTimeout);
			if (this.settings.grpc()) {
				this.grpcLoad = grpcLoad(balancer, this.idPrefix, this.load);
			}
			double loadStart = LabClock.now();
			this.load.start();
			if (this.grpcLoad != null) {
				this.grpcLoad.start();
			}
			this.progress.pause("warm-up", this.settings.warmup);
			List<RunResult.Restart> restarts = new ArrayList<>();
			for (int round = 1; round <= this.settings.rounds; round++) {
				for (AppInstance instance : instances) {
					String roll = "roll " + (restarts.size() + 1) + "/" + (this.settings.rounds * instances.size())
							+ " " + instance.name();
					restarts.add(roll(roll, balancer, instance, events));
					this.progress.pause(roll + ": settle", this.settings.settle);
				}
			}
			this.progress.pause("tail", this.settings.tail);
			this.progress.phase("waiting for the last responses");
			List<LoadGenerator.Request> requests = stopLoad();
			double loadEnd = LabClock.now();
			this.progress.phase("waiting for the consumer and background increments to catch up");
			RunResult.Verification verification = Tables.verify(this.infra, this.settings, this.idPrefix, requests);
			return new RunResult(this.label, this.mode, this.balancer, this.app, this.dir, requests, events, restarts,
					verification, loadStart, loadEnd, (this.app == Column.App.GRACEFUL) ? withdrawDelayMs() : 0,
					this.settings.healthCheck().detectionMs(), gracePeriodMs(),
					(this.balancer == Column.Balancer.ENDPOINTS) ? this.settings.propagation.toMillis() : 0,
					(this.app == Column.App.PRESTOP) ? this.settings.prestop.toMillis() : 0,
					this.settings.executorThreads, this.settings.incrementDelayMs);
		}
		finally {
			this.progress.phase("stopping instances");
			CompletableFuture.allOf(instances.stream().map((instance) -> CompletableFuture.runAsync(() -> {
				if (instance.isAlive()) {
					instance.stop(this.settings.gracePeriod.toMillis());
				}
			})).toArray(CompletableFuture[]::new)).join();
			balancer.close();
			this.progress.end();
		}
	}

	private GrpcLoad grpcLoad(HaProxy balancer, String idPrefix, LoadGenerator sequence) {
		return new GrpcLoad(balancer.grpcPort(), this.settings.grpcRate(), this.settings.grpcChannels,
				this.settings.seed + 1, idPrefix, this.settings.requestTimeout, sequence::nextSeq);
	}

	/** Stops the load (HTTP and gRPC) and returns every request and call, in order. */
	private List<LoadGenerator.Request> stopLoad() {
		if (this.grpcLoad == null) {
			return this.load.stop();
		}
		List<LoadGenerator.Request> calls = this.grpcLoad.stop();
		List<LoadGenerator.Request> requests = new ArrayList<>(this.load.stop());
		requests.addAll(calls);
		requests.sort((a, b) -> Long.compare(a.seq(), b.seq()));
		return requests;
	}

	/**
	 * One roll of one instance. Health-check model: SIGTERM; HAProxy sees readiness turn
	 * 503. Endpoints model (as Kubernetes deletes a pod): the health check is switched
	 * off (readiness can no longer remove it), the balancer drops the instance
	 * {@code propagation} later, and SIGTERM goes at once, or after the preStop sleep.
	 * Then the exit (SIGKILL at the grace period, counted from the roll start as kubelet
	 * does, preStop included), the restart, and UP in HAProxy again (endpoints: only once
	 * the instance's own readiness is UP).
	 */
	private RunResult.Restart roll(String roll, HaProxy balancer, AppInstance instance,
			List<AppInstance.Event> events) {
		if (this.settings.burst > 0) {
			this.progress.phase(roll + ": queueing " + this.settings.burst + " background increments on it");
			this.load.burst(instance.port(), this.settings.burst, this.settings.incrementDelayMs);
		}
		double rollStart = LabClock.now();
		Thread removal = null;
		double[] removedAt = { Double.NaN };
		if (this.balancer == Column.Balancer.ENDPOINTS) {
			balancer.disableHealth(instance.name());
			events.add(new AppInstance.Event(instance.name(), "deleted", rollStart,
					"endpoint not ready; health check off; removal in " + this.settings.propagation.toMillis() + "ms"));
			long removeAt = (long) rollStart + this.settings.propagation.toMillis();
			removal = new Thread(() -> {
				sleepUntil(removeAt);
				balancer.maintenance(instance.name());
				removedAt[0] = LabClock.now();
				events.add(new AppInstance.Event(instance.name(), "removed", removedAt[0], "state maint"));
			}, "lab-removal");
			removal.setDaemon(true);
			removal.start();
			if (this.app == Column.App.PRESTOP) {
				this.progress.pause(roll + ": preStop sleep " + this.settings.prestop.toMillis() + "ms",
						this.settings.prestop);
			}
		}
		Boolean saturated = null;
		if (this.settings.scenario == Settings.Scenario.SATURATION) {
			saturated = saturate(roll, instance);
		}
		Settings.Fault fault = this.settings.fault;
		if (fault == Settings.Fault.SIGKILL_AT_GRACE) {
			// no wait needed: the listener stays open through the withdraw, so they reach
			// the instance even if SIGTERM comes first
			this.load.saturate(instance.port(), SIGKILL_HELD, SIGKILL_HOLD_MS);
		}
		else if (fault == Settings.Fault.SLOW_CLIENT) {
			this.load.slowDownloads(SLOW_CLIENTS, SLOW_KB, SLOW_BYTES_PER_SECOND);
		}
		this.progress.phase(roll + ": SIGTERM, waiting for exit"
				+ ((fault != Settings.Fault.NONE) ? " (" + fault.label + ")" : ""));
		double sigterm = instance.sigterm();
		Thread injector = inject(fault, instance, events, sigterm);
		long boundMs = (long) (gracePeriodMs() - (sigterm - rollStart));
		AppInstance.Stop stop = instance.awaitExit(sigterm, boundMs);
		if (injector != null) {
			join(injector);
		}
		if (fault == Settings.Fault.BROKER_DOWN) {
			this.progress.phase(roll + ": exited; starting the Kafka broker again");
			this.infra.startKafkaAgain();
			events.add(new AppInstance.Event(instance.name(), "broker up", LabClock.now(), "Kafka started again"));
		}
		if (removal != null) {
			this.progress.phase(roll + ": exited; waiting for the balancer to drop it before the restart");
			join(removal);
		}
		this.progress.phase(roll + ": restarting, waiting for HAProxy to report it UP");
		instance.start();
		if (this.balancer == Column.Balancer.ENDPOINTS) {
			awaitReady(instance);
			balancer.ready(instance.name());
		}
		double up = awaitUp(balancer, instance);
		if (fault == Settings.Fault.BROKER_DOWN) {
			awaitFirstPublish(roll, instance);
		}
		return new RunResult.Restart(stop, rollStart, removedAt[0], up, saturated);
	}

	/**
	 * Starts the fault that runs during the shutdown (returns its thread, null for none):
	 * broker-down stops Kafka at once; db-stall pauses PostgreSQL 1 s after the SIGTERM
	 * for {@code --stall}; double-sigterm sends a second SIGTERM 1 s after the first.
	 */
	private Thread inject(Settings.Fault fault, AppInstance instance, List<AppInstance.Event> events, double sigterm) {
		Runnable action = switch (fault) {
			case BROKER_DOWN -> () -> {
				this.infra.stopKafka();
				events.add(new AppInstance.Event(instance.name(), "broker down", LabClock.now(), "Kafka stopped"));
			};
			case DB_STALL -> () -> {
				sleepUntil((long) sigterm + FAULT_AFTER_SIGTERM_MS);
				this.infra.signalPostgres("STOP");
				events.add(new AppInstance.Event(instance.name(), "db stalled", LabClock.now(), "SIGSTOP"));
				try {
					sleepUntil((long) LabClock.now() + this.settings.stall.toMillis());
				}
				finally {
					this.infra.signalPostgres("CONT");
					events.add(new AppInstance.Event(instance.name(), "db resumed", LabClock.now(), "SIGCONT"));
				}
			};
			case DOUBLE_SIGTERM -> () -> {
				sleepUntil((long) sigterm + FAULT_AFTER_SIGTERM_MS);
				if (instance.isAlive()) {
					instance.sigterm();
				}
			};
			default -> null;
		};
		if (action == null) {
			return null;
		}
		Thread thread = new Thread(action, "lab-fault-" + fault.label);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * Holds every worker thread of the instance with slow orders sent straight to it,
	 * until past the withdraw, and reports whether it worked: a liveness probe then gets
	 * no answer within 300 ms.
	 */
	private boolean saturate(String roll, AppInstance instance) {
		// endpoints model: no extra held orders; queued behind an 11 s hold they would
		// run
		// past the drain bound (cut, as measured), and the balancer's own requests queue
		// anyway until the removal
		int count = this.settings.workerThreads()
				+ ((this.balancer == Column.Balancer.ENDPOINTS) ? 0 : SATURATION_EXTRA);
		// past the fixed withdraw (the traffic-aware one lasts as long as routing does)
		long holdMs = ((this.balancer == Column.Balancer.ENDPOINTS) ? 10_000 : this.settings.withdrawDelay.toMillis())
				+ SATURATION_PAST_WITHDRAW_MS;
		this.progress.phase(roll + ": holding its " + this.settings.workerThreads() + " worker threads with " + count
				+ " orders of " + holdMs + "ms");
		this.load.saturate(instance.port(), count, (int) holdMs);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			if (instance.saturated(300)) {
				return true;
			}
			sleepUntil((long) LabClock.now() + 50);
		}
		return false;
	}

	/**
	 * {@code broker-down}: sends one order straight to the restarted instance and waits
	 * for its 201, so its producer (created on the first send) has fetched the topic's
	 * metadata before the next roll stops the broker. A producer created while the broker
	 * is away has nothing to keep, and every send on it blocks up to {@code max.block.ms}
	 * whatever {@code metadata.recovery.strategy} says: measured, the next roll stopped
	 * the broker 1.4 s before the restarted instance's first send, and it answered
	 * nothing for about 35 s. The order goes straight to the instance because behind L4
	 * the clients' kept-alive connections stay on the other one.
	 */
	private void awaitFirstPublish(String roll, AppInstance instance) {
		this.progress.phase(roll + ": one order straight to it, so its producer is up");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!this.load.acknowledgedOrderFrom(instance.name(), instance.pid())) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(instance.name() + " acknowledged no order within 60s of being UP; see "
						+ this.dir.resolve(instance.name() + ".log"));
			}
			CompletableFuture.allOf(this.load.saturate(instance.port(), 1, 0).toArray(CompletableFuture[]::new)).join();
		}
	}

	private void awaitReady(AppInstance instance) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!instance.ready()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(instance.name() + " did not report readiness UP within 120s; see "
						+ this.dir.resolve(instance.name() + ".log"));
			}
			sleepUntil((long) LabClock.now() + 100);
		}
	}

	private static void sleepUntil(long labMs) {
		long wait = labMs - (long) LabClock.now();
		if (wait > 0) {
			try {
				Thread.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	private static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Unmeasured load (orders only, ids outside the measured set) so that neither
	 * instance is cold when the measured load starts: on a busy 2-core machine a cold JVM
	 * can take many seconds per request.
	 */
	private void prewarm(HaProxy balancer) {
		if (this.settings.prewarm.isZero()) {
			return;
		}
		this.progress.phase("pre-warming the instances for " + this.settings.prewarm.toSeconds() + "s (not measured)");
		LoadGenerator warm = new LoadGenerator(balancer.port(), this.settings.httpRate(), this.settings.ordersOnlyMix(),
				this.settings.seed, "warm-" + this.idPrefix, this.settings.clients, this.settings.requestTimeout);
		GrpcLoad warmGrpc = this.settings.grpc() ? grpcLoad(balancer, "warm-" + this.idPrefix, warm) : null;
		warm.start();
		if (warmGrpc != null) {
			warmGrpc.start();
		}
		this.progress.pause(this.settings.prewarm);
		if (warmGrpc != null) {
			warmGrpc.stop();
		}
		warm.stop();
	}

	private double awaitUp(HaProxy balancer, AppInstance instance) {
		if (!balancer.awaitUp(instance.name(), Duration.ofSeconds(120))) {
			throw new IllegalStateException(instance.name() + " was not UP in HAProxy within 120s; see "
					+ this.dir.resolve(instance.name() + ".log"));
		}
		return LabClock.now();
	}

	private String loadCounts() {
		String counts = RunProgress.counts(this.load);
		GrpcLoad grpc = this.grpcLoad;
		if (grpc != null) {
			counts += String.format(" | gRPC sent %d ok %d failed %d", grpc.sent.get(), grpc.ok.get(),
					grpc.failed.get());
		}
		return counts;
	}

}
