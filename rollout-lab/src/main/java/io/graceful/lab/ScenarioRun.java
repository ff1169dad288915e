package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One scenario: HAProxy in one mode, fresh tables, {@code instances} sample-app
 * instances, load at a fixed rate while every instance is rolled (SIGTERM, exit, restart,
 * UP in HAProxy), then the counts.
 */
final class ScenarioRun {

	private final Infra infra;

	private final String haproxy;

	private final Settings settings;

	private final HaProxy.Mode mode;

	private final boolean graceful;

	private final String label;

	private final Path dir;

	private final String idPrefix;

	private volatile String phase = "starting";

	private volatile LoadGenerator load;

	private volatile double startedAt;

	ScenarioRun(Infra infra, String haproxy, Settings settings, HaProxy.Mode mode, boolean graceful, Path runDir) {
		this.infra = infra;
		this.haproxy = haproxy;
		this.settings = settings;
		this.mode = mode;
		this.graceful = graceful;
		this.label = mode + (graceful ? " graceful" : " baseline");
		this.idPrefix = mode.name().toLowerCase(Locale.ROOT) + (graceful ? "g" : "b");
		this.dir = runDir.resolve(mode.name().toLowerCase(Locale.ROOT) + "-" + (graceful ? "graceful" : "baseline"));
	}

	RunResult run() {
		this.startedAt = LabClock.now();
		try {
			Files.createDirectories(this.dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread progress = progressPrinter();
		List<AppInstance.Event> events = AppInstance.newEventList();
		List<AppInstance> instances = new ArrayList<>();
		HaProxy balancer = new HaProxy(this.dir, this.mode, this.settings.healthCheck());
		try {
			resetTables();
			Map<String, Integer> servers = new LinkedHashMap<>();
			for (int i = 1; i <= this.settings.instances; i++) {
				servers.put("app-" + i, Ports.free());
			}
			balancer.start(this.haproxy, servers);
			List<String> extra = List.of("--graceful.withdraw.delay=" + this.settings.withdrawDelay.toMillis() + "ms",
					"--graceful.grace-period=" + this.settings.gracePeriod.toMillis() + "ms");
			servers.forEach((name,
					port) -> instances.add(new AppInstance(
							name, port, AppInstance.command(this.settings.jar.toAbsolutePath(), port,
									this.infra.appArguments(), this.graceful, extra),
							this.dir.resolve(name + ".log"), events)));
			this.phase = "starting " + instances.size() + " instances";
			instances.forEach(AppInstance::start);
			for (AppInstance instance : instances) {
				awaitUp(balancer, instance);
			}
			prewarm(balancer);
			this.load = new LoadGenerator(balancer.port(), this.settings.rate, mix(), this.settings.seed, this.idPrefix,
					this.settings.clients, this.settings.requestTimeout);
			double loadStart = LabClock.now();
			this.load.start();
			pause("warm-up", this.settings.warmup);
			List<AppInstance.Restart> restarts = new ArrayList<>();
			for (int round = 1; round <= this.settings.rounds; round++) {
				for (AppInstance instance : instances) {
					String roll = "roll " + (restarts.size() + 1) + "/" + (this.settings.rounds * instances.size())
							+ " " + instance.name();
					if (this.settings.burst > 0) {
						this.phase = roll + ": queueing " + this.settings.burst + " background increments on it";
						this.load.burst(instance.port(), this.settings.burst, this.settings.incrementDelayMs);
					}
					this.phase = roll + ": SIGTERM, waiting for exit";
					AppInstance.Restart restart = instance.stop(this.settings.gracePeriod.toSeconds());
					this.phase = roll + ": restarting, waiting for HAProxy to report it UP";
					instance.start();
					double up = awaitUp(balancer, instance);
					restarts.add(new AppInstance.Restart(restart.instance(), restart.sigtermAtMs(), restart.exitAtMs(),
							restart.exitCode(), restart.killed(), up));
					pause(roll + ": settle", this.settings.settle);
				}
			}
			pause("tail", this.settings.tail);
			this.phase = "waiting for the last responses";
			List<LoadGenerator.Request> requests = this.load.stop();
			double loadEnd = LabClock.now();
			this.phase = "waiting for the consumer and background increments to catch up";
			RunResult.Verification verification = verify(requests);
			return new RunResult(this.label, this.mode, this.graceful, this.dir, requests, events, restarts,
					verification, loadStart, loadEnd, this.settings.withdrawDelay.toMillis(),
					this.settings.healthCheck().detectionMs(), this.settings.gracePeriod.toMillis());
		}
		finally {
			this.phase = "stopping instances";
			CompletableFuture.allOf(instances.stream().map((instance) -> CompletableFuture.runAsync(() -> {
				if (instance.isAlive()) {
					instance.stop(this.settings.gracePeriod.toSeconds());
				}
			})).toArray(CompletableFuture[]::new)).join();
			balancer.close();
			this.phase = null;
			progress.interrupt();
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
		this.phase = "pre-warming the instances for " + this.settings.prewarm.toSeconds() + "s (not measured)";
		LoadGenerator.Mix ordersOnly = new LoadGenerator.Mix(0, this.settings.longShare, this.settings.shortMaxMs,
				this.settings.longMinMs, this.settings.longMaxMs, this.settings.incrementDelayMs);
		LoadGenerator warm = new LoadGenerator(balancer.port(), this.settings.rate, ordersOnly, this.settings.seed,
				"warm-" + this.idPrefix, this.settings.clients, this.settings.requestTimeout);
		warm.start();
		pause(this.phase, this.settings.prewarm);
		warm.stop();
	}

	private LoadGenerator.Mix mix() {
		return new LoadGenerator.Mix(this.settings.incrementShare, this.settings.longShare, this.settings.shortMaxMs,
				this.settings.longMinMs, this.settings.longMaxMs, this.settings.incrementDelayMs);
	}

	private double awaitUp(HaProxy balancer, AppInstance instance) {
		if (!balancer.awaitUp(instance.name(), Duration.ofSeconds(120))) {
			throw new IllegalStateException(instance.name() + " was not UP in HAProxy within 120s; see "
					+ this.dir.resolve(instance.name() + ".log"));
		}
		return LabClock.now();
	}

	private void pause(String phase, Duration duration) {
		this.phase = phase;
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private Thread progressPrinter() {
		Thread thread = new Thread(() -> {
			while (this.phase != null && !Thread.currentThread().isInterrupted()) {
				try {
					Thread.sleep(2000);
				}
				catch (InterruptedException ex) {
					return;
				}
				String phase = this.phase;
				if (phase == null || this.settings.quiet) {
					continue;
				}
				LoadGenerator load = this.load;
				String counts = (load != null) ? String.format(" | sent %d ok %d failed %d in flight %d",
						load.sent.get(), load.ok.get(), load.failed.get(), load.inFlight()) : "";
				System.out.printf("[%s %6.1fs] %s%s%n", this.label, (LabClock.now() - this.startedAt) / 1000, phase,
						counts);
			}
		}, "lab-progress");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private void resetTables() {
		try (Connection connection = this.infra.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS orders, order_events, counter");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot reset the sample app's tables", ex);
		}
	}

	private RunResult.Verification verify(List<LoadGenerator.Request> requests) {
		Set<String> acknowledged = new HashSet<>();
		long incrementsAcknowledged = 0;
		for (LoadGenerator.Request request : requests) {
			if (request.ok()) {
				if (request.kind().equals("order")) {
					acknowledged.add(request.id());
				}
				else {
					incrementsAcknowledged++;
				}
			}
		}
		double start = LabClock.now();
		double lastChange = start;
		String lastSeen = "";
		while (true) {
			Snapshot snapshot = snapshot();
			long missingOrders = acknowledged.stream().filter((id) -> !snapshot.orders.contains(id)).count();
			long missingEvents = acknowledged.stream().filter((id) -> !snapshot.events.contains(id)).count();
			double now = LabClock.now();
			boolean done = missingEvents == 0 && snapshot.counter >= incrementsAcknowledged;
			String seen = snapshot.events.size() + "/" + snapshot.counter;
			if (!seen.equals(lastSeen)) {
				lastSeen = seen;
				lastChange = now;
			}
			String catchUp = null;
			if (done) {
				catchUp = String.format("caught up in %.1fs", (now - start) / 1000);
			}
			else if (now - start > this.settings.catchUp.toMillis()) {
				catchUp = String.format("TIMEOUT: not caught up within %ds", this.settings.catchUp.toSeconds());
			}
			else if (now - lastChange > this.settings.catchUpQuiet.toMillis()) {
				catchUp = String.format("gave up after %.1fs: nothing changed for %ds", (now - start) / 1000,
						this.settings.catchUpQuiet.toSeconds());
			}
			if (catchUp != null) {
				return new RunResult.Verification(acknowledged.size(), snapshot.orders.size(), missingOrders,
						snapshot.events.size(), missingEvents, incrementsAcknowledged, snapshot.counter, done, catchUp);
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	private record Snapshot(Set<String> orders, Set<String> events, long counter) {
	}

	private Snapshot snapshot() {
		try (Connection connection = this.infra.connect(); Statement statement = connection.createStatement()) {
			String measured = " WHERE id LIKE '" + this.idPrefix + "-%'";
			return new Snapshot(ids(statement, "SELECT id FROM orders" + measured),
					ids(statement, "SELECT id FROM order_events" + measured), counter(statement));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the sample app's tables", ex);
		}
	}

	private static Set<String> ids(Statement statement, String sql) throws SQLException {
		Set<String> ids = new HashSet<>();
		try (ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				ids.add(rows.getString(1));
			}
		}
		return ids;
	}

	private static long counter(Statement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery("SELECT value FROM counter WHERE name = 'increments'")) {
			return rows.next() ? rows.getLong(1) : 0;
		}
	}

}
