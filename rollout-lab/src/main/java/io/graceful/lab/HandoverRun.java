package io.graceful.lab;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.Ports;

/**
 * One column of {@code ./lab handover}: no balancer, the load goes straight to one port.
 * Graceful: two sample-app instances alternate on that port with the starter's hand-over
 * ({@code SO_REUSEPORT}); every hand-over starts the successor, waits until its readiness
 * on its own management port is UP, sends the old instance SIGTERM and waits for its
 * exit. Plain Spring Boot: one instance stopped, then started again in place, as a plain
 * restart does. Then the same counts as {@code ./lab demo}.
 */
final class HandoverRun {

	/**
	 * {@code graceful.handover.move-period}: the starter's default, a bound (the move
	 * period ends once every kept-alive connection has moved).
	 */
	static final long MOVE_PERIOD_MS = 5000;

	private final Infra infra;

	private final Settings settings;

	private final Column.App app;

	private final int port;

	private final String label;

	private final RunProgress progress;

	private final String idPrefix;

	private final Path dir;

	private volatile LoadGenerator load;

	/** One app instance and the management port its readiness is asked on. */
	private record Slot(AppInstance instance, int managementPort) {
	}

	HandoverRun(Infra infra, Settings settings, Column.App app, int port, Path runDir) {
		this.infra = infra;
		this.settings = settings;
		this.app = app;
		this.port = port;
		this.label = label(app);
		this.progress = new RunProgress(this.label, settings.quiet, this::loadCounts);
		this.idPrefix = "ho" + app.code;
		this.dir = runDir.resolve((app == Column.App.GRACEFUL) ? "handover-graceful" : "restart-plain");
	}

	static String label(Column.App app) {
		return (app == Column.App.GRACEFUL) ? "graceful hand-over" : "plain Boot stop+start";
	}

	/** Hand-overs (graceful) or restarts in place (plain) per run: 2 x --rounds. */
	static int restarts(Settings settings) {
		return 2 * settings.rounds;
	}

	private List<String> appCommand(String name, int managementPort) {
		List<String> extra = new ArrayList<>(List.of("--sample.instance=" + name,
				"--graceful.grace-period=" + this.settings.gracePeriod.toMillis() + "ms",
				"--management.server.port=" + managementPort));
		if (this.app == Column.App.GRACEFUL) {
			extra.add("--graceful.handover.enabled=true");
			extra.add("--graceful.handover.move-period=" + MOVE_PERIOD_MS + "ms");
		}
		if (this.settings.threads > 0) {
			extra.add("--server.tomcat.threads.max=" + this.settings.threads);
		}
		return AppInstance.command(this.settings.jar.toAbsolutePath(), this.port, this.infra.appArguments(),
				this.app == Column.App.GRACEFUL, extra);
	}

	RunResult run() {
		this.progress.start(this.dir);
		List<AppInstance.Event> events = AppInstance.newEventList();
		List<Slot> slots = new ArrayList<>();
		try {
			Tables.reset(this.infra);
			int count = (this.app == Column.App.GRACEFUL) ? 2 : 1;
			for (int i = 1; i <= count; i++) {
				String name = "app-" + i;
				int management = Ports.free();
				slots.add(new Slot(new AppInstance(name, this.port, appCommand(name, management),
						this.dir.resolve(name + ".log"), events), management));
			}
			Slot current = slots.get(0);
			this.progress.phase("starting " + current.instance().name() + " on port " + this.port);
			current.instance().start();
			awaitReady(current);
			prewarm();
			this.load = new LoadGenerator(this.port, this.settings.rate, this.settings.mix(), this.settings.seed,
					this.idPrefix, this.settings.clients, this.settings.requestTimeout);
			double loadStart = LabClock.now();
			this.load.start();
			this.progress.pause("warm-up", this.settings.warmup);
			List<RunResult.Restart> restarts = new ArrayList<>();
			int total = restarts(this.settings);
			for (int n = 1; n <= total; n++) {
				if (this.app == Column.App.GRACEFUL) {
					Slot successor = slots.get(n % 2);
					String step = "hand-over " + n + "/" + total + " " + current.instance().name() + " -> "
							+ successor.instance().name();
					restarts.add(handOver(step, current, successor));
					current = successor;
					this.progress.pause(step + ": settle", this.settings.settle);
				}
				else {
					String step = "restart " + n + "/" + total + " " + current.instance().name();
					restarts.add(restartInPlace(step, current));
					this.progress.pause(step + ": settle", this.settings.settle);
				}
			}
			this.progress.pause("tail", this.settings.tail);
			this.progress.phase("waiting for the last responses");
			List<LoadGenerator.Request> requests = this.load.stop();
			double loadEnd = LabClock.now();
			this.progress.phase("waiting for the consumer and background increments to catch up");
			RunResult.Verification verification = Tables.verify(this.infra, this.settings, this.idPrefix, requests);
			return new RunResult(this.label, null, null, this.app, this.dir, requests, events, restarts, verification,
					loadStart, loadEnd, (this.app == Column.App.GRACEFUL) ? MOVE_PERIOD_MS : 0, 0,
					this.settings.gracePeriod.toMillis(), 0, 0, this.settings.executorThreads,
					this.settings.incrementDelayMs);
		}
		finally {
			this.progress.phase("stopping instances");
			for (Slot slot : slots) {
				if (slot.instance().isAlive()) {
					slot.instance().stop(this.settings.gracePeriod.toMillis());
				}
			}
			this.progress.end();
		}
	}

	/**
	 * The external hand-over sequence of docs/single-host.md: start the successor on the
	 * same port, wait until its readiness (on its own management port) is UP, SIGTERM the
	 * old instance, wait for its exit. Background increments are queued on the old one
	 * first, while it is the only one on the port.
	 */
	private RunResult.Restart handOver(String step, Slot old, Slot successor) {
		burst(step, old);
		double start = LabClock.now();
		this.progress.phase(step + ": starting the successor on the same port, waiting for its readiness");
		successor.instance().start();
		double ready = awaitReady(successor);
		this.progress.phase(step + ": successor ready; SIGTERM to the old instance, waiting for its exit");
		double sigterm = old.instance().sigterm();
		AppInstance.Stop stop = old.instance().awaitExit(sigterm, this.settings.gracePeriod.toMillis());
		return new RunResult.Restart(stop, start, Double.NaN, ready, null);
	}

	/**
	 * A plain restart in place: SIGTERM, wait for the exit, start again, wait until its
	 * readiness is UP. The port is closed in between.
	 */
	private RunResult.Restart restartInPlace(String step, Slot slot) {
		burst(step, slot);
		this.progress.phase(step + ": SIGTERM, waiting for exit");
		double sigterm = slot.instance().sigterm();
		AppInstance.Stop stop = slot.instance().awaitExit(sigterm, this.settings.gracePeriod.toMillis());
		this.progress.phase(step + ": exited; starting it again, waiting for its readiness");
		slot.instance().start();
		double ready = awaitReady(slot);
		return new RunResult.Restart(stop, sigterm, Double.NaN, ready, null);
	}

	private void burst(String step, Slot slot) {
		if (this.settings.burst > 0) {
			this.progress.phase(
					step + ": queueing " + this.settings.burst + " background increments on " + slot.instance().name());
			// only this instance listens on the port now
			this.load.burst(this.port, this.settings.burst, this.settings.incrementDelayMs);
		}
	}

	/**
	 * Waits until the instance's readiness on its management port answers 200; fails when
	 * it exits first or is not ready within 120 s.
	 */
	private double awaitReady(Slot slot) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!ready(slot.managementPort())) {
			if (!slot.instance().isAlive()) {
				throw new IllegalStateException(slot.instance().name() + " exited before its readiness was UP; see "
						+ this.dir.resolve(slot.instance().name() + ".log"));
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						slot.instance().name() + " did not report readiness UP within 120s; see "
								+ this.dir.resolve(slot.instance().name() + ".log"));
			}
			this.progress.pause(Duration.ofMillis(100));
		}
		return LabClock.now();
	}

	private static boolean ready(int managementPort) {
		try {
			HttpURLConnection connection = (HttpURLConnection) URI
				.create("http://127.0.0.1:" + managementPort + HaProxy.READINESS_PATH)
				.toURL()
				.openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(2000);
			try {
				return connection.getResponseCode() == 200;
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Unmeasured orders-only load, so the first instance is not cold when the measurement
	 * starts (its successors are: they take traffic from their readiness on).
	 */
	private void prewarm() {
		if (this.settings.prewarm.isZero()) {
			return;
		}
		this.progress
			.phase("pre-warming the first instance for " + this.settings.prewarm.toSeconds() + "s (not measured)");
		LoadGenerator warm = new LoadGenerator(this.port, this.settings.rate, this.settings.ordersOnlyMix(),
				this.settings.seed, "warm-" + this.idPrefix, this.settings.clients, this.settings.requestTimeout);
		warm.start();
		this.progress.pause(this.settings.prewarm);
		warm.stop();
	}

	private String loadCounts() {
		return RunProgress.counts(this.load);
	}

}
