package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The run folder's files: per-request CSV, events CSV, summary table (text and JSON),
 * timeline charts and index.html.
 */
final class Report {

	private Report() {
	}

	static void writeRun(RunResult run) {
		try (Writer out = Files.newBufferedWriter(run.dir().resolve("requests.csv"), StandardCharsets.UTF_8)) {
			out.write("seq,kind,id,start_ms,end_ms,latency_ms,status,outcome,instance,error\n");
			for (LoadGenerator.Request r : run.requests()) {
				out.write(String.format(Locale.ROOT, "%d,%s,%s,%.1f,%.1f,%.1f,%d,%s,%s,%s%n", r.seq(), r.kind(), r.id(),
						r.startMs() - run.loadStartMs(), r.endMs() - run.loadStartMs(), r.endMs() - r.startMs(),
						r.status(), r.ok() ? "ok" : (r.rejected() ? "rejected" : "failed"), r.instance(), r.error()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try (Writer out = Files.newBufferedWriter(run.dir().resolve("events.csv"), StandardCharsets.UTF_8)) {
			out.write("instance,event,at_ms,detail\n");
			for (AppInstance.Event e : run.events()) {
				out.write(String.format(Locale.ROOT, "%s,%s,%.1f,\"%s\"%n", e.instance(), e.kind(),
						e.atMs() - run.loadStartMs(), e.detail().replace("\"", "'")));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		TimelineChart.write(run, run.dir().resolve("timeline.png"));
	}

	/** The summary table, one column per run. */
	static String table(List<RunResult> runs) {
		List<String[]> rows = new ArrayList<>();
		rows.add(Table.row("", runs, RunResult::label));
		rows.add(Table.row("removal", runs, (r) -> (r.balancer() == Column.Balancer.ENDPOINTS)
				? "endpoints, after " + r.propagationMs() + "ms" : "health check, ~" + r.detectionMs() + "ms"));
		rows.add(Table.row("application", runs, (r) -> switch (r.app()) {
			case GRACEFUL -> (r.restarts().stream().anyMatch((restart) -> restart.stop().trafficAwareWithdraw())
					? "withdraw until traffic stops, <= " : "withdraw ") + r.withdrawDelayMs() + "ms"
					+ ((r.balancer() == Column.Balancer.ENDPOINTS) ? " (k8s default)" : "");
			case PLAIN -> "plain Boot";
			case PRESTOP -> "preStop sleep " + r.prestopMs() + "ms";
		}));
		rows.add(Table.row("requests sent", runs, (r) -> String.valueOf(r.sent())));
		rows.add(Table.row("  ok (2xx)", runs, (r) -> String.valueOf(r.ok())));
		rows.add(Table.row("  rejected (503)", runs, (r) -> String.valueOf(r.rejected())));
		if (runs.stream().anyMatch((r) -> r.rejected() > 0)) {
			rows.add(Table.row("    increments beyond executor capacity (per instance, measured)", runs,
					(r) -> r.incrementsBeyondCapacity() + " of "
							+ r.executorWindows().stream().mapToLong(RunResult.ExecutorWindow::arrived).sum()
							+ " arrived; executor utilization " + percent(r.executorUtilization())));
			rows.add(Table.row("    rejected beyond that / unused capacity before, while, after refusing", runs,
					(r) -> Math.max(0, r.rejected() - r.incrementsBeyondCapacity()) + " / "
							+ String.format(Locale.ROOT, "%.1f, %.1f, %.1f",
									sum(r, RunResult.ExecutorWindow::idleBeforeRefusingMs),
									sum(r, RunResult.ExecutorWindow::idleWhileRefusingMs),
									sum(r, RunResult.ExecutorWindow::idleAfterRefusingMs))
							+ " increments; "
							+ r.executorWindows().stream().mapToLong(RunResult.ExecutorWindow::rejectedWhileIdle).sum()
							+ " rejected with a thread free"));
		}
		rows.add(Table.row("  failed", runs, (r) -> String.valueOf(r.failed())));
		rows.add(Table.failedOrdersAndIncrements(runs));
		rows.add(Table.why(runs));
		rows.add(Table.row("    outside any shutdown", runs, (r) -> String.valueOf(r.failedOutsideShutdowns())));
		rows.add(Table.silent(runs));
		if (runs.stream().anyMatch((r) -> r.grpcSent() > 0)) {
			rows.addAll(grpcRows(runs));
		}
		rows.addAll(Table.orders(runs));
		if (runs.stream().anyMatch((r) -> r.verification().duplicatesCounted())) {
			rows.add(Table.row("  duplicate deliveries", runs, (r) -> r.verification().duplicatesCounted()
					? String.valueOf(r.verification().duplicateDeliveries()) : "not counted"));
		}
		rows.addAll(Table.increments(runs));
		rows.add(Table.row("losses reported / silent", runs,
				(r) -> r.graceful() ? r.accounting().describe() : "n/a: plain Boot names nothing"));
		int restarts = runs.stream().mapToInt((r) -> r.restarts().size()).max().orElse(0);
		for (int i = 0; i < restarts; i++) {
			int index = i;
			rows.add(Table.row("restart " + (i + 1) + ": exit / limit", runs, (r) -> {
				if (index >= r.restarts().size()) {
					return "-";
				}
				RunResult.Restart restart = r.restarts().get(index);
				RunResult.Timing t = r.timing(restart);
				return String.format(Locale.ROOT, "%s %.1fs / %.1fs%s%s", restart.instance(),
						t.sigtermToExitMs() / 1000, t.limitMs() / 1000,
						Double.isNaN(t.exitToLimit()) ? "" : String.format(Locale.ROOT, " = %.2f", t.exitToLimit()),
						restart.killed() ? " KILLED" : "");
			}));
			rows.add(Table.row("  routed until / failed / cut", runs, (r) -> {
				if (index >= r.restarts().size()) {
					return "-";
				}
				RunResult.Restart restart = r.restarts().get(index);
				RunResult.Timing t = r.timing(restart);
				RunResult.Losses losses = r.losses(restart);
				return String.format(Locale.ROOT, "%s / %d / %s%s", signed(t.lastRoutedMs()), losses.failed(),
						(losses.summary() == null) ? "-" : String.valueOf(losses.reportedCut()),
						Boolean.TRUE.equals(restart.saturated()) ? " sat"
								: Boolean.FALSE.equals(restart.saturated()) ? " NOT sat" : "");
			}));
		}
		rows.add(Table.row("exit within 1.1 x limit + 0.5s", runs,
				(r) -> r.restarts().stream().filter((restart) -> r.timing(restart).withinGoal()).count() + " of "
						+ r.restarts().size()));
		rows.add(Table.row("shutdown bound (grace period)", runs, (r) -> (r.gracePeriodMs() / 1000) + "s"));
		rows.add(Table.row("verdict", runs, (r) -> Table.lost(r)
				+ (r.rejectionsExplained() ? "" : ", " + r.rejected() + " REJECTED, MORE THAN THE OVERLOAD EXPLAINS")
				+ ((r.silentLosses() > 0) ? ", " + r.silentLosses() + " SILENT"
						: (r.graceful() && r.lost() > 0 && r.accounting().reported() >= r.lost())
								? ", all reported by the starter" : "")));
		StringBuilder table = new StringBuilder(Table.render(rows));
		for (RunResult run : runs) {
			if (run.rejected() > 0) {
				table.append("\nIncrements per executor, ")
					.append(run.label())
					.append(":\n")
					.append(executorAccount(run));
			}
		}
		return table.toString();
	}

	/**
	 * The gRPC mix beside the HTTP numbers: calls, failed calls by status code. Their
	 * orders count among the acknowledged orders below.
	 */
	static List<String[]> grpcRows(List<RunResult> runs) {
		List<String[]> rows = new ArrayList<>();
		rows.add(Table.row("gRPC calls (L4, mode tcp)", runs, (r) -> String.valueOf(r.grpcSent())));
		rows.add(Table.row("  ok (OK)", runs, (r) -> String.valueOf(r.grpcSent() - r.grpcFailed())));
		rows.add(Table.row("  failed", runs, (r) -> String.valueOf(r.grpcFailed())));
		rows.add(Table.row("    by status", runs, (r) -> Table.reasons(r.grpcFailureReasons())));
		return rows;
	}

	/** Unused thread time of every window, in increments it could have run. */
	private static double sum(RunResult run, java.util.function.ToDoubleFunction<RunResult.ExecutorWindow> idleMs) {
		return run.executorWindows().stream().mapToDouble((w) -> idleMs.applyAsDouble(w) / w.delayMs()).sum();
	}

	private static String percent(double share) {
		return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * share);
	}

	/**
	 * Per instance run: increments arrived, acknowledged, rejected against the executor's
	 * capacity over its window.
	 */
	static String executorAccount(RunResult run) {
		StringBuilder account = new StringBuilder();
		for (RunResult.ExecutorWindow w : run.executorWindows()) {
			account.append(String.format(Locale.ROOT,
					"  %s %.1fs..%.1fs (%.1fs): arrived %d = acknowledged %d + rejected %d; capacity %.0f, "
							+ "beyond %d, rejected beyond that %d; unused capacity before, while, after refusing "
							+ "%.1f, %.1f, %.1f; rejected with a thread free %d; utilization %s%n",
					w.instance(), (w.fromMs() - run.loadStartMs()) / 1000, (w.toMs() - run.loadStartMs()) / 1000,
					(w.toMs() - w.fromMs()) / 1000, w.arrived(), w.acknowledged(), w.rejected(), w.capacity(),
					w.beyondCapacity(), w.rejectedBeyondOverload(), w.idleBeforeRefusingMs() / w.delayMs(),
					w.idleWhileRefusingMs() / w.delayMs(), w.idleAfterRefusingMs() / w.delayMs(), w.rejectedWhileIdle(),
					percent(w.utilization())));
		}
		return account.toString();
	}

	private static String signed(double ms) {
		return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%+.1fs", ms / 1000);
	}

	private static String number(double value) {
		return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.0f", value);
	}

	static String json(Settings settings, List<RunResult> runs) {
		StringBuilder json = new StringBuilder("{\n  \"settings\": {");
		json.append(String.format(Locale.ROOT,
				"\"rate\": %s, \"capacity\": %s, \"instances\": %d, \"rounds\": %d, \"incrementShare\": %s, \"incrementDelayMs\": %d, \"burst\": %d, "
						+ "\"longShare\": %s, \"workMs\": [0, %d, %d, %d], \"seed\": %d, \"withdrawDelayMs\": %d, "
						+ "\"check\": {\"interMs\": %d, \"fall\": %d, \"rise\": %d}, \"gracePeriodMs\": %d, "
						+ "\"propagationMs\": %d, \"prestopMs\": %d, \"scenario\": \"%s\", \"tomcatThreads\": %d, "
						+ "\"fault\": \"%s\", \"grpcShare\": %s, \"grpcChannels\": %d, \"broker\": \"%s\"},\n",
				settings.rate, Double.isNaN(settings.capacity) ? "null" : String.valueOf(settings.capacity),
				settings.instances, settings.rounds, settings.incrementShare, settings.incrementDelayMs, settings.burst,
				settings.longShare, settings.shortMaxMs, settings.longMinMs, settings.longMaxMs, settings.seed,
				settings.withdrawDelay.toMillis(), settings.checkInterMs, settings.checkFall, settings.checkRise,
				settings.gracePeriod.toMillis(), settings.propagation.toMillis(), settings.prestop.toMillis(),
				settings.scenario.name().toLowerCase(Locale.ROOT), settings.workerThreads(), settings.fault.label,
				settings.grpcShare, settings.grpcChannels, settings.broker.label));
		json.append("  \"runs\": [");
		for (int i = 0; i < runs.size(); i++) {
			RunResult r = runs.get(i);
			RunResult.Verification v = r.verification();
			json.append((i == 0) ? "\n" : ",\n");
			json.append(String.format(Locale.ROOT,
					"    {\"label\": \"%s\", \"mode\": \"%s\", \"balancer\": \"%s\", \"app\": \"%s\", \"graceful\": %s, "
							+ "\"sent\": %d, \"ok\": %d, \"rejected\": %d, \"failedOutsideShutdowns\": %d, \"silentLosses\": %d, "
							+ "\"failed\": %d, \"failedOrders\": %d, \"failedIncrements\": %d, \"failureReasons\": %s, "
							+ "\"ordersAcknowledged\": %d, \"orderRows\": %d, \"missingOrders\": %d, "
							+ "\"eventRows\": %d, \"missingEvents\": %d, \"duplicateDeliveries\": %s, "
							+ "\"incrementsAcknowledged\": %d, "
							+ "\"counter\": %d, \"missingIncrements\": %d, \"caughtUp\": %s, \"catchUp\": \"%s\", "
							+ "\"lostNothing\": %s, \"reportedLosses\": %s, \"silentRequests\": %d, \"silentRecords\": %s, "
							+ "\"silentTasks\": %s, \"grpcCalls\": %d, \"grpcFailed\": %d, \"grpcFailureReasons\": %s, "
							+ "\"incrementsBeyondCapacity\": %d, \"rejectionTolerance\": %d, \"unusedWhileRefusing\": %.1f, "
							+ "\"executorUtilization\": %s, \"executors\": [%s], " + "\"restarts\": [%s]}",
					r.label(), r.mode(), r.balancer().label, r.app().name().toLowerCase(Locale.ROOT), r.graceful(),
					r.sent(), r.ok(), r.rejected(), r.failedOutsideShutdowns(), r.silentLosses(), r.failed(),
					r.failed("order"), r.failed() - r.failed("order"), reasons(r.failureReasons()),
					v.ordersAcknowledged(), v.orderRows(), v.missingOrders(), v.eventRows(), v.missingEvents(),
					v.duplicatesCounted() ? String.valueOf(v.duplicateDeliveries()) : "null",
					v.incrementsAcknowledged(), v.counter(), v.missingIncrements(), v.caughtUp(), v.catchUp(),
					r.lostNothing(), r.graceful() ? String.valueOf(r.accounting().reported()) : "null",
					r.silentRequests(), r.graceful() ? String.valueOf(r.accounting().silentRecords()) : "null",
					r.graceful() ? String.valueOf(r.accounting().silentTasks()) : "null", r.grpcSent(), r.grpcFailed(),
					reasons(r.grpcFailureReasons()), r.incrementsBeyondCapacity(), r.rejectionTolerance(),
					r.unusedWhileRefusing(),
					Double.isNaN(r.executorUtilization()) ? "null"
							: String.format(Locale.ROOT, "%.4f", r.executorUtilization()),
					r.executorWindows().stream().map((w) -> executorJson(r, w)).collect(Collectors.joining(", ")),
					r.restarts().stream().map((s) -> restartJson(r, s)).collect(Collectors.joining(", "))));
		}
		json.append("\n  ]\n}\n");
		return json.toString();
	}

	private static String executorJson(RunResult run, RunResult.ExecutorWindow w) {
		return String.format(Locale.ROOT,
				"\n      {\"instance\": \"%s\", \"fromMs\": %.0f, \"toMs\": %.0f, \"arrived\": %d, "
						+ "\"acknowledged\": %d, \"rejected\": %d, \"capacity\": %.1f, \"beyondCapacity\": %d, "
						+ "\"rejectedBeyondOverload\": %d, \"rejectedWhileIdle\": %d, \"idleBeforeRefusingMs\": %.0f, "
						+ "\"idleWhileRefusingMs\": %.0f, \"idleAfterRefusingMs\": %.0f, \"utilization\": %s}",
				w.instance(), w.fromMs() - run.loadStartMs(), w.toMs() - run.loadStartMs(), w.arrived(),
				w.acknowledged(), w.rejected(), w.capacity(), w.beyondCapacity(), w.rejectedBeyondOverload(),
				w.rejectedWhileIdle(), w.idleBeforeRefusingMs(), w.idleWhileRefusingMs(), w.idleAfterRefusingMs(),
				Double.isNaN(w.utilization()) ? "null" : String.format(Locale.ROOT, "%.4f", w.utilization()));
	}

	private static String restartJson(RunResult run, RunResult.Restart s) {
		RunResult.Timing t = run.timing(s);
		RunResult.Losses losses = run.losses(s);
		double sigterm = s.stop().sigtermAtMs();
		return String.format(Locale.ROOT,
				"\n      {\"instance\": \"%s\", \"pid\": %d, \"sigtermToExitMs\": %.0f, \"limitMs\": %.0f, "
						+ "\"exitToLimit\": %s, \"withinGoal\": %s, \"rollStartToSigtermMs\": %.0f, "
						+ "\"removedAfterSigtermMs\": %s, \"lastRoutedAfterSigtermMs\": %s, "
						+ "\"lastRequestEndAfterSigtermMs\": %s, \"lastTaskEndAfterSigtermMs\": %s, "
						+ "\"withdrawFloorMs\": %s, \"exitCode\": %d, \"killed\": %s, \"saturated\": %s, "
						+ "\"failed\": %d, \"reportedCutRequests\": %s, \"silent\": %s, \"backUpAfterExitMs\": %.0f, "
						+ "\"summary\": %s}",
				s.instance(), s.stop().pid(), t.sigtermToExitMs(), t.limitMs(),
				Double.isNaN(t.exitToLimit()) ? "null" : String.format(Locale.ROOT, "%.3f", t.exitToLimit()),
				t.withinGoal(), sigterm - s.rollStartMs(), number(s.removedAtMs() - sigterm), number(t.lastRoutedMs()),
				number(t.lastRequestEndMs()), number(t.lastTaskEndMs()), number(t.floorMs()), s.stop().exitCode(),
				s.killed(), s.saturated(), losses.failed(),
				(losses.summary() == null) ? "null" : String.valueOf(losses.reportedCut()),
				run.graceful() ? String.valueOf(losses.silent()) : "null", s.upAgainAtMs() - s.stop().exitAtMs(),
				(losses.summary() == null) ? "null" : "\"" + jsonEscape(losses.summary()) + "\"");
	}

	private static String jsonEscape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	private static String reasons(Map<String, Long> reasons) {
		return reasons.entrySet()
			.stream()
			.map((e) -> "\"" + e.getKey().replace("\"", "'") + "\": " + e.getValue())
			.collect(Collectors.joining(", ", "{", "}"));
	}

	static void writeSummary(Path runDir, Settings settings, String header, List<RunResult> runs) {
		String table = table(runs);
		try {
			Files.writeString(runDir.resolve("summary.txt"), header + "\n" + table);
			Files.writeString(runDir.resolve("summary.json"), json(settings, runs));
			StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
					+ "<title>graceful rollout lab</title><style>body{font-family:sans-serif;margin:2em}"
					+ "pre{background:#f6f6f6;padding:1em}</style></head><body>\n<h1>graceful rollout lab</h1>\n");
			html.append("<pre>")
				.append(escape(header))
				.append("</pre>\n<pre>")
				.append(escape(table))
				.append("</pre>\n");
			for (RunResult run : runs) {
				String folder = runDir.relativize(run.dir()).toString();
				html.append("<h2>")
					.append(escape(run.label()))
					.append("</h2>\n<p><img src=\"")
					.append(folder)
					.append("/timeline.png\" alt=\"timeline ")
					.append(escape(run.label()))
					.append("\"></p>\n<p><a href=\"")
					.append(folder)
					.append("/requests.csv\">requests.csv</a> · <a href=\"")
					.append(folder)
					.append("/events.csv\">events.csv</a> · app logs: ");
				for (int i = 1; Files.exists(run.dir().resolve("app-" + i + ".log")); i++) {
					html.append("<a href=\"")
						.append(folder)
						.append("/app-")
						.append(i)
						.append(".log\">app-")
						.append(i)
						.append("</a> ");
				}
				html.append("</p>\n");
			}
			html.append("</body></html>\n");
			Files.writeString(runDir.resolve("index.html"), html);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
