package io.graceful.lab;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.ChildJvm;
import io.graceful.testsupport.Ports;

/**
 * {@code ./lab handover [--baseline]}: one host, no balancer, the port handed from one
 * instance to its successor under load ({@link HandoverRun}). The lab runs in a network
 * namespace of its own: the command re-runs itself under {@code unshare -n} with loopback
 * up and {@code net.ipv4.tcp_migrate_req=1} set inside it, so nothing on the host
 * changes. PostgreSQL, Kafka, the instances and the load all run in there, on loopback.
 */
final class Handover {

	/** Set for the re-run inside the namespace: the host's namespace and sysctl value. */
	static final String HOST_NAMESPACE = "GRACEFUL_LAB_HOST_NETNS";

	static final String HOST_MIGRATE_REQ = "GRACEFUL_LAB_HOST_TCP_MIGRATE_REQ";

	private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

	private static final Path OWN_NAMESPACE = Path.of("/proc/self/ns/net");

	private static final String SETUP = "ip link set lo up && sysctl -q -w net.ipv4.tcp_migrate_req=1";

	private Handover() {
	}

	static int run(Settings settings, List<String> args) throws Exception {
		String host = System.getenv(HOST_NAMESPACE);
		if (host == null) {
			return inOwnNamespace(args);
		}
		return inside(settings, host);
	}

	/**
	 * Runs {@code ./lab handover} again under {@code unshare -n}; checks first that the
	 * namespace can be made here.
	 */
	private static int inOwnNamespace(List<String> args) throws Exception {
		String hostNamespace = namespace();
		String hostMigrateReq = migrateReq();
		Process probe = new ProcessBuilder("unshare", "-n", "sh", "-c", SETUP).redirectErrorStream(true).start();
		String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
			System.err.println("./lab handover runs in a network namespace of its own (unshare -n, loopback up, "
					+ "net.ipv4.tcp_migrate_req=1 inside it), and that is not permitted here: "
					+ (output.isEmpty() ? "unshare exited with " + probe.exitValue() : output)
					+ ". Run it as root (or with CAP_SYS_ADMIN and CAP_NET_ADMIN), on Linux 5.14 or later.");
			return 2;
		}
		List<String> command = new ArrayList<>(
				List.of("unshare", "-n", "sh", "-c", SETUP + " && exec \"$0\" \"$@\"", ChildJvm.java()));
		command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Lab.class.getName(), "handover"));
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
		builder.environment().put(HOST_NAMESPACE, hostNamespace);
		builder.environment().put(HOST_MIGRATE_REQ, hostMigrateReq);
		int exit = builder.start().waitFor();
		String after = migrateReq();
		System.out.println("Host network unchanged: net.ipv4.tcp_migrate_req " + hostMigrateReq + " before, " + after
				+ " after" + (after.equals(hostMigrateReq) ? "" : " (CHANGED by something else)"));
		return exit;
	}

	private static int inside(Settings settings, String hostNamespace) throws Exception {
		String own = namespace();
		if (own.equals(hostNamespace)) {
			System.err.println("./lab handover expected a network namespace of its own, but runs in the host's (" + own
					+ "); start it through ./lab handover, not with " + HOST_NAMESPACE + " set");
			return 2;
		}
		Path runDir = settings.out
			.resolve("handover-"
					+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
			.toAbsolutePath();
		Files.createDirectories(runDir);
		if (!Files.isRegularFile(settings.jar)) {
			System.err.println("Cannot find " + settings.jar + "; build it first: ./mvnw -B -DskipTests install");
			return 2;
		}
		int port = Ports.free();
		String header = header(settings, port, own, hostNamespace, System.getenv(HOST_MIGRATE_REQ), migrateReq());
		System.out.print(header);
		System.out.println("Run folder: " + runDir);
		System.out.println("Starting PostgreSQL and Kafka (inside the namespace, on loopback)");
		List<RunResult> runs = new ArrayList<>();
		try (Infra infra = Infra.start(runDir.resolve("infra"))) {
			for (Column.App app : apps(settings)) {
				RunResult run = new HandoverRun(infra, settings, app, port, runDir).run();
				Report.writeRun(run);
				System.out.printf(
						"[%s] done: sent %d, failed %d (refused %d, silent %d), missing rows %d, missing events %d, "
								+ "missing increments %d; %s%n",
						run.label(), run.sent(), run.failed(), refused(run.requests()), run.silentLosses(),
						run.verification().missingOrders(), run.verification().missingEvents(),
						run.verification().missingIncrements(), run.verification().catchUp());
				runs.add(run);
			}
		}
		String table = table(runs);
		writeSummary(runDir, header, table, runs);
		System.out.println();
		System.out.print(table);
		System.out.println();
		System.out.println("Run folder: " + runDir + " (summary.txt, index.html, <column>/requests.csv, "
				+ "<column>/events.csv, <column>/timeline.png, <column>/app-*.log)");
		boolean gracefulLost = runs.stream()
			.anyMatch((r) -> r.graceful() && (!r.lostNothing() || r.silentLosses() > 0));
		return gracefulLost ? 1 : 0;
	}

	static List<Column.App> apps(Settings settings) {
		List<Column.App> apps = new ArrayList<>();
		if (!settings.baselineOnly) {
			apps.add(Column.App.GRACEFUL);
		}
		if (settings.baseline || settings.baselineOnly) {
			apps.add(Column.App.PLAIN);
		}
		return apps;
	}

	static String header(Settings s, int port, String own, String host, String hostMigrateReq, String migrateReq) {
		int restarts = HandoverRun.restarts(s);
		return String.format(Locale.ROOT,
				"""
						graceful hand-over lab: one host, no balancer; %s open-model load straight to 127.0.0.1:%d over %d keep-alive clients
						  network namespace of its own (unshare -n, %s; the host's is %s): loopback up, net.ipv4.tcp_migrate_req=%s inside it; nothing on the host changes (host: %s)
						  graceful: two sample-app instances alternate on the port (graceful.handover.enabled=true, SO_REUSEPORT, move-period up to %dms: it ends once every kept-alive connection has moved); %d hand-overs, each: start the successor, wait until its readiness on its own management port is UP, SIGTERM the old one, wait for its exit
						  baseline: plain Spring Boot (graceful.enabled=false, no SO_REUSEPORT) stopped, then started again in place; %d restarts; 'refused' counts connections refused while the port was closed
						  mix: %.0f%% counter increments (delayMs %d) + %d queued on the old instance before each hand-over/restart, orders with workMs 0..%d (%.0f%% long: %d..%d)
						  pre-warm %ss (unmeasured), warm-up %ss, settle %ss, tail %ss; SIGKILL %ss after SIGTERM; seed %d
						""",
				s.rateDescription(), port, s.clients, own, host, migrateReq, hostMigrateReq, HandoverRun.MOVE_PERIOD_MS,
				restarts, restarts, s.incrementShare * 100, s.incrementDelayMs, s.burst, s.shortMaxMs,
				s.longShare * 100, s.longMinMs, s.longMaxMs, s.prewarm.toMillis() / 1000.0,
				s.warmup.toMillis() / 1000.0, s.settle.toMillis() / 1000.0, s.tail.toMillis() / 1000.0,
				s.gracePeriod.toSeconds(), s.seed);
	}

	/**
	 * Whether a request failed because its connection was refused: nothing listened on
	 * the port (the JDK client's {@code ConnectException}).
	 */
	static boolean refused(LoadGenerator.Request request) {
		return !request.ok() && request.status() == 0
				&& (request.error().startsWith("ConnectException") || request.error().contains("Connection refused"));
	}

	static long refused(List<LoadGenerator.Request> requests) {
		return requests.stream().filter(Handover::refused).count();
	}

	/**
	 * Refused requests of one restart: those started from its beginning (the successor's
	 * start, or SIGTERM in place) until 1 s after it was ready again.
	 */
	static long refused(RunResult run, RunResult.Restart restart) {
		return during(run, restart, true);
	}

	/** Failed requests of one restart (same window) that were not refused. */
	static long otherFailures(RunResult run, RunResult.Restart restart) {
		return during(run, restart, false);
	}

	private static long during(RunResult run, RunResult.Restart restart, boolean refused) {
		double from = Math.min(restart.rollStartMs(), restart.stop().sigtermAtMs());
		double to = Math.max(restart.upAgainAtMs(), restart.stop().exitAtMs()) + RunResult.WINDOW_AFTER_EXIT_MS;
		return run.requests()
			.stream()
			.filter((r) -> !r.ok() && refused(r) == refused && r.startMs() >= from && r.startMs() <= to)
			.count();
	}

	/** The summary table, one column per run. */
	static String table(List<RunResult> runs) {
		List<String[]> rows = new ArrayList<>();
		rows.add(Table.row("", runs, RunResult::label));
		rows.add(Table.row("requests sent", runs, (r) -> String.valueOf(r.sent())));
		rows.add(Table.row("  ok (2xx)", runs, (r) -> String.valueOf(r.ok())));
		rows.add(Table.row("  failed", runs, (r) -> String.valueOf(r.failed())));
		rows.add(Table.row("    refused (port closed)", runs, (r) -> String.valueOf(refused(r.requests()))));
		rows.add(Table.failedOrdersAndIncrements(runs));
		rows.add(Table.why(runs));
		rows.add(Table.silent(runs));
		rows.addAll(Table.orders(runs));
		rows.addAll(Table.increments(runs));
		int restarts = runs.stream().mapToInt((r) -> r.restarts().size()).max().orElse(0);
		for (int i = 0; i < restarts; i++) {
			int index = i;
			rows.add(Table.row(restartLabel(runs) + " " + (i + 1), runs,
					(r) -> (index < r.restarts().size()) ? describe(r, r.restarts().get(index)) : "-"));
		}
		rows.add(Table.row("verdict", runs,
				(r) -> Table.lost(r) + ((r.silentLosses() > 0) ? ", " + r.silentLosses() + " SILENT" : "")));
		return Table.render(rows);
	}

	private static String restartLabel(List<RunResult> runs) {
		boolean graceful = runs.stream().anyMatch(RunResult::graceful);
		boolean plain = runs.stream().anyMatch((r) -> !r.graceful());
		return (graceful && plain) ? "hand-over / restart" : graceful ? "hand-over" : "restart";
	}

	/**
	 * One restart in a table cell. Graceful: the successor's start to its readiness, then
	 * the old instance's SIGTERM to exit, failed/cut. Plain: SIGTERM to exit, SIGTERM to
	 * ready again (the port closed), refused and other failures.
	 */
	static String describe(RunResult run, RunResult.Restart restart) {
		AppInstance.Stop stop = restart.stop();
		RunResult.Losses losses = run.losses(restart);
		if (run.graceful()) {
			return String.format(Locale.ROOT, "%s ready in %.1fs, %s exit %.1fs, failed %d, cut %s",
					successorOf(run, restart), (restart.upAgainAtMs() - restart.rollStartMs()) / 1000, stop.instance(),
					stop.shutdownMs() / 1000, losses.failed(),
					(losses.summary() == null) ? "-" : String.valueOf(losses.reportedCut()))
					+ (stop.killed() ? " KILLED" : "");
		}
		return String.format(Locale.ROOT, "exit %.1fs, ready again %.1fs after SIGTERM: refused %d, other failures %d",
				stop.shutdownMs() / 1000, (restart.upAgainAtMs() - stop.sigtermAtMs()) / 1000, refused(run, restart),
				otherFailures(run, restart)) + (stop.killed() ? " KILLED" : "");
	}

	private static String successorOf(RunResult run, RunResult.Restart restart) {
		return run.events()
			.stream()
			.filter((e) -> e.kind().equals("start") && !e.instance().equals(restart.instance())
					&& e.atMs() >= restart.rollStartMs())
			.map(AppInstance.Event::instance)
			.findFirst()
			.orElse("successor");
	}

	private static void writeSummary(Path runDir, String header, String table, List<RunResult> runs)
			throws IOException {
		Files.writeString(runDir.resolve("summary.txt"), header + "\n" + table);
		StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
				+ "<title>graceful hand-over lab</title><style>body{font-family:sans-serif;margin:2em}"
				+ "pre{background:#f6f6f6;padding:1em}</style></head><body>\n<h1>graceful hand-over lab</h1>\n");
		html.append("<pre>").append(escape(header)).append("</pre>\n<pre>").append(escape(table)).append("</pre>\n");
		for (RunResult run : runs) {
			String folder = runDir.relativize(run.dir()).toString();
			html.append("<h2>")
				.append(escape(run.label()))
				.append("</h2>\n<p><img src=\"")
				.append(folder)
				.append("/timeline.png\" alt=\"timeline ")
				.append(escape(run.label()))
				.append("\"></p>\n<p>T = SIGTERM, W = move period end, D = drain end, X = exit, U = ready "
						+ "(graceful: the successor, before the old one's SIGTERM)</p>\n");
		}
		html.append("</body></html>\n");
		Files.writeString(runDir.resolve("index.html"), html);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private static String namespace() throws IOException {
		return Files.readSymbolicLink(OWN_NAMESPACE).toString();
	}

	private static String migrateReq() {
		try {
			return Files.readString(MIGRATE_REQ).trim();
		}
		catch (IOException ex) {
			return "unavailable (Linux before 5.14?)";
		}
	}

}
