package io.graceful.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code ./lab handover} reads its records: which failures are refused connections
 * (nothing listened on the port), which restart they belong to, and the summary table.
 */
class HandoverTests {

	private static final AppInstance.Summary CLEAN = new AppInstance.Summary(
			"Graceful shutdown completed in 2.1s: withdraw 1.0s (12 requests served, 4 idle "
					+ "connections closed), web-drain 1.1s (3 requests in flight, 0 cut); nothing was cut",
			Map.of());

	@Test
	void onlyAConnectionNobodyAcceptedIsRefused() {
		assertThat(Handover.refused(request(1, 1000, 0, "ConnectException"))).isTrue();
		assertThat(Handover.refused(request(2, 1000, 0, "ConnectException: Connection refused"))).isTrue();
		assertThat(Handover.refused(request(3, 1000, 0, "IOException: HTTP/1.1 header parser received no bytes")))
			.as("a kept-alive connection closed without a response")
			.isFalse();
		assertThat(Handover.refused(request(4, 1000, 0, "HttpConnectTimeoutException: HTTP connect timed out")))
			.isFalse();
		assertThat(Handover.refused(request(5, 1000, 503, ""))).isFalse();
		assertThat(Handover.refused(request(6, 1000, 201, ""))).isFalse();
	}

	@Test
	void refusedRequestsBelongToTheRestartWhosePortWasClosed() {
		// SIGTERM at 10 s, exit at 12 s, ready again at 25 s; the next restart at 40 s
		List<LoadGenerator.Request> requests = List.of(request(1, 9_000, 201, ""),
				request(2, 12_500, 0, "ConnectException"), request(3, 24_900, 0, "ConnectException"),
				request(4, 12_600, 0, "IOException: closed"), request(5, 41_000, 0, "ConnectException"));
		RunResult.Restart first = restart("app-1", 10_000, 10_000, 12_000, 25_000, null);
		RunResult.Restart second = restart("app-1", 40_000, 40_000, 41_500, 50_000, null);
		RunResult run = run(Column.App.PLAIN, requests, List.of(first, second));
		assertThat(Handover.refused(requests)).isEqualTo(3);
		assertThat(Handover.refused(run, first)).isEqualTo(2);
		assertThat(Handover.refused(run, second)).isEqualTo(1);
		assertThat(Handover.describe(run, first))
			.isEqualTo("exit 2.0s, ready again 15.0s after SIGTERM: refused 2, " + "other failures 1");
	}

	@Test
	void aHandOverCellNamesTheSuccessorItsReadinessAndTheOldInstancesExit() {
		// successor app-2 started at 10 s, ready at 22 s; app-1 SIGTERM at 22 s, exit at
		// 24.1 s
		RunResult.Restart handOver = restart("app-1", 10_000, 22_000, 24_100, 22_000, CLEAN);
		List<AppInstance.Event> events = List.of(new AppInstance.Event("app-1", "start", 0, ""),
				new AppInstance.Event("app-2", "start", 10_000, ""));
		RunResult run = new RunResult("graceful hand-over", null, null, Column.App.GRACEFUL, Path.of("."),
				List.of(request(1, 23_000, 201, "")), events, List.of(handOver), verification(), 0, 40_000, 1000, 0,
				30_000, 0, 0, 8, 2000);
		assertThat(Handover.describe(run, handOver))
			.isEqualTo("app-2 ready in 12.0s, app-1 exit 2.1s, failed 0, cut 0");
		String table = Handover.table(List.of(run));
		assertThat(table).contains("refused (port closed)").contains("LOST NOTHING");
		assertThat(table.lines().filter((line) -> line.startsWith("hand-over 1"))).hasSize(1);
	}

	@Test
	void aPlainRestartThatRefusedLosesAndSaysHowMany() {
		List<LoadGenerator.Request> requests = List.of(request(1, 12_500, 0, "ConnectException"));
		RunResult run = run(Column.App.PLAIN, requests,
				List.of(restart("app-1", 10_000, 10_000, 12_000, 25_000, null)));
		String table = Handover.table(List.of(run));
		assertThat(table.lines().filter((line) -> line.startsWith("    refused"))).singleElement()
			.asString()
			.matches("    refused \\(port closed\\) +\\| 1 *");
		assertThat(table).contains("LOST 1").contains("restart 1");
	}

	private static RunResult run(Column.App app, List<LoadGenerator.Request> requests,
			List<RunResult.Restart> restarts) {
		return new RunResult(HandoverRun.label(app), null, null, app, Path.of("."), requests, List.of(), restarts,
				verification(), 0, 60_000, 0, 0, 30_000, 0, 0, 8, 2000);
	}

	private static RunResult.Verification verification() {
		return new RunResult.Verification(1, 1, 0, 1, 0, 0, 0, true, "caught up in 0.0s");
	}

	private static RunResult.Restart restart(String instance, double startMs, double sigtermMs, double exitMs,
			double readyMs, AppInstance.Summary summary) {
		AppInstance.Stop stop = new AppInstance.Stop(instance, 10, sigtermMs, exitMs, 0, false, Double.NaN, summary);
		return new RunResult.Restart(stop, startMs, Double.NaN, readyMs, null);
	}

	private static LoadGenerator.Request request(long seq, double startMs, int status, String error) {
		return new LoadGenerator.Request(seq, "order", "hog-" + seq, startMs, startMs + 50, status, error,
				(status != 0) ? "app-1/10" : "");
	}

}
