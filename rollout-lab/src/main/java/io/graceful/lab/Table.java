package io.graceful.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The summary tables of {@code ./lab demo} ({@link Report}) and {@code ./lab handover}
 * ({@link Handover}): a row per measure, a column per run, and the rows both tables show.
 */
final class Table {

	private Table() {
	}

	/** A row: its name, then the value for each run. */
	static String[] row(String name, List<RunResult> runs, Function<RunResult, String> value) {
		String[] row = new String[runs.size() + 1];
		row[0] = name;
		for (int i = 0; i < runs.size(); i++) {
			row[i + 1] = value.apply(runs.get(i));
		}
		return row;
	}

	/** Failed requests split into orders and background increments. */
	static String[] failedOrdersAndIncrements(List<RunResult> runs) {
		return row("    orders / increments", runs,
				(r) -> r.failed("order") + " / " + (r.failed() - r.failed("order")));
	}

	/** Why requests failed, by error. */
	static String[] why(List<RunResult> runs) {
		return row("    why", runs, (r) -> reasons(r.failureReasons()));
	}

	/** Failed requests the starter's summary did not account for. */
	static String[] silent(List<RunResult> runs) {
		return row("    silent (summary said 0 cut)", runs,
				(r) -> r.graceful() ? String.valueOf(r.silentRequests()) : "n/a: no summary");
	}

	/** Acknowledged orders against their rows in PostgreSQL and their consumed events. */
	static List<String[]> orders(List<RunResult> runs) {
		List<String[]> rows = new ArrayList<>();
		rows.add(row("orders acknowledged (201)", runs, (r) -> String.valueOf(r.verification().ordersAcknowledged())));
		rows.add(row("  rows in PostgreSQL", runs, (r) -> String.valueOf(r.verification().orderRows())));
		rows.add(row("  missing rows", runs, (r) -> String.valueOf(r.verification().missingOrders())));
		rows.add(row("  consumed events", runs, (r) -> String.valueOf(r.verification().eventRows())));
		rows.add(row("  missing events", runs, (r) -> String.valueOf(r.verification().missingEvents())));
		return rows;
	}

	/** Acknowledged background increments against the counter, and the catch-up. */
	static List<String[]> increments(List<RunResult> runs) {
		List<String[]> rows = new ArrayList<>();
		rows.add(row("increments acknowledged (202)", runs,
				(r) -> String.valueOf(r.verification().incrementsAcknowledged())));
		rows.add(row("  counter", runs, (r) -> String.valueOf(r.verification().counter())));
		rows.add(row("  missing increments", runs, (r) -> String.valueOf(r.verification().missingIncrements())));
		rows.add(row("catch-up", runs, (r) -> r.verification().catchUp()));
		return rows;
	}

	/** The start of a verdict cell: lost nothing, or how much. */
	static String lost(RunResult r) {
		return r.lostNothing() ? "LOST NOTHING"
				: "LOST " + r.lost() + (r.verification().caughtUp() ? "" : " (catch-up incomplete)");
	}

	/** Counts by reason, {@code "a x2, b x1"}, or {@code "-"} when there are none. */
	static String reasons(Map<String, Long> reasons) {
		return reasons.isEmpty() ? "-"
				: reasons.entrySet()
					.stream()
					.map((e) -> e.getKey() + " x" + e.getValue())
					.collect(Collectors.joining(", "));
	}

	/** The rows as text: columns padded to their widest cell, a rule under the first. */
	static String render(List<String[]> rows) {
		int[] widths = new int[rows.get(0).length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (int r = 0; r < rows.size(); r++) {
			String[] row = rows.get(r);
			for (int i = 0; i < row.length; i++) {
				text.append((i == 0) ? "" : " | ").append(String.format("%-" + widths[i] + "s", row[i]));
			}
			text.append('\n');
			if (r == 0) {
				for (int i = 0; i < widths.length; i++) {
					text.append((i == 0) ? "" : "-+-").append("-".repeat(widths[i]));
				}
				text.append('\n');
			}
		}
		return text.toString();
	}

}
