package io.graceful.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * How the lab judges a run from its records: what a shutdown summary says was cut, which
 * failures are silent, and a shutdown's time against its limit. The summaries here are
 * the starter's own lines, as a real run logs them.
 */
class RunResultTests {

	private static final AppInstance.Summary CLEAN = summary(
			"Graceful shutdown completed in 5.6s: withdraw 3.0s (5 requests served, 55 idle "
					+ "connections closed), web-drain 2.3s (16 requests in flight, 0 cut), background-work 6ms (0 tasks "
					+ "completed, 0 cut, 0 scheduled tasks cancelled); nothing was cut",
			Map.of());

	private static final AppInstance.Summary CUT = summary(
			"Graceful shutdown completed in 9.1s: withdraw 3.0s, web-drain 7.0s timed out "
					+ "(2 requests in flight, 2 cut); cut 2 requests, 1 tasks: POST /orders (7.2s), GET /export (7.0s), "
					+ "CounterIncrements.incrementLater; timed out: web-drain",
			Map.of("requests", 2L, "tasks", 1L));

	@Test
	void aCleanSummaryReportsNothingCut() {
		assertThat(RunResult.reported(restart(CLEAN).stop())).isEmpty();
	}

	@Test
	void aSummaryThatCutsIsReadByKindFromItsFields() {
		assertThat(RunResult.reported(restart(CUT).stop())).containsEntry("requests", 2L)
			.containsEntry("tasks", 1L)
			.hasSize(2);
	}

	@Test
	void failuresDuringAShutdownWhoseSummaryCutNothingAreSilent() {
		List<LoadGenerator.Request> requests = new ArrayList<>();
		requests.add(request(1, "order", 900, 1200, 201, "app-1/10"));
		requests.add(request(2, "order", 1100, 4100, 0, ""));
		requests.add(request(3, "order", 1200, 4100, 0, ""));
		// long after the exit: not this shutdown's
		requests.add(request(4, "order", 9000, 9500, 503, ""));
		RunResult clean = run(Column.App.GRACEFUL, requests, restart(CLEAN));
		assertThat(clean.losses(clean.restarts().get(0)).failed()).isEqualTo(2);
		assertThat(clean.silentLosses()).isEqualTo(2);
		assertThat(clean.failedOutsideShutdowns()).isEqualTo(1);
		RunResult named = run(Column.App.GRACEFUL, requests, restart(CUT));
		assertThat(named.silentLosses()).as("both named as cut").isZero();
		RunResult plain = run(Column.App.PLAIN, requests, restart(null));
		assertThat(plain.silentLosses()).as("plain Boot writes no summary to hold to").isZero();
	}

	@Test
	void anIncrementTheInstanceRefusedWith503IsRejectedNotFailedWhileABalancer503Fails() {
		List<LoadGenerator.Request> requests = new ArrayList<>();
		requests.add(request(1, "increment", 900, 950, 503, "app-1/10"));
		requests.add(request(2, "increment", 1000, 1050, 503, ""));
		requests.add(request(3, "order", 1100, 1150, 503, "app-1/10"));
		requests.add(request(4, "increment", 1200, 3200, 200, "app-1/10"));
		RunResult run = run(Column.App.GRACEFUL, requests, restart(CLEAN));
		assertThat(run.rejected()).isEqualTo(1);
		assertThat(run.failed()).isEqualTo(2);
		assertThat(run.ok()).isEqualTo(1);
		assertThat(run.failureReasons()).containsExactly(java.util.Map.entry("HTTP 503", 2L));
	}

	@Test
	void rejectionsAreHeldToTheArrivalsBeyondEachInstancesExecutorCapacityWhileItTookWork() {
		// 2 threads, 1 s per increment. app-1/10 is stopped: SIGTERM at 3 s, its
		// background work ends at 4 s, it exits at 5 s; app-2/20 is still up at the end.
		List<LoadGenerator.Request> requests = new ArrayList<>();
		requests.add(request(1, "increment", 0, 0, 202, "app-1/10"));
		requests.add(request(2, "increment", 0, 0, 202, "app-1/10"));
		requests.add(request(3, "increment", 100, 100, 202, "app-1/10"));
		// 3 tasks ahead on 2 threads: the backlog explains it
		requests.add(request(4, "increment", 500, 500, 503, "app-1/10"));
		// only the third task runs (1 s to 2 s): a thread is free
		requests.add(request(5, "increment", 1500, 1500, 503, "app-1/10"));
		requests.add(request(6, "order", 2900, 3500, 201, "app-1/10"));
		for (int i = 0; i < 3; i++) {
			requests.add(request(10 + i, "increment", 0, 0, 202, "app-2/20"));
			requests.add(request(20 + i, "increment", 200, 200, 503, "app-2/20"));
		}
		AppInstance.Stop stop = new AppInstance.Stop("app-1", 10, 3000, 5000, 0, false, 3000, CLEAN);
		List<AppInstance.Event> events = List.of(new AppInstance.Event("app-1", "SIGTERM", 3000, ""),
				new AppInstance.Event("app-1", AppInstance.BACKGROUND_WORK_END, 4000, ""));
		RunResult run = executorRun(requests, events, stop);
		assertThat(run.executorWindows()).hasSize(2);
		RunResult.ExecutorWindow stopped = run.executorWindows().get(0);
		assertThat(stopped.instance()).isEqualTo("app-1/10");
		assertThat(stopped.fromMs()).isZero();
		assertThat(stopped.toMs()).as("the end of its background work").isEqualTo(4000);
		assertThat(stopped.capacity()).isEqualTo(8);
		assertThat(stopped.arrived()).isEqualTo(5);
		assertThat(stopped.acknowledged()).isEqualTo(3);
		assertThat(stopped.rejected()).isEqualTo(2);
		assertThat(stopped.beyondCapacity()).isZero();
		assertThat(stopped.rejectedBeyondOverload()).isEqualTo(2);
		assertThat(stopped.rejectedWhileIdle()).isEqualTo(1);
		assertThat(stopped.idleBeforeRefusingMs()).isZero();
		assertThat(stopped.idleWhileRefusingMs()).as("0.5 s to 1.5 s: one thread free from 1 s").isEqualTo(500);
		assertThat(stopped.idleAfterRefusingMs()).as("1.5 s to 4 s: one thread busy until 2 s").isEqualTo(4500);
		assertThat(stopped.unusedWhileNotRefusing()).isEqualTo(6);
		assertThat(stopped.utilization()).isCloseTo(3.0 / 8, within(1e-9));
		RunResult.ExecutorWindow survivor = run.executorWindows().get(1);
		assertThat(survivor.toMs()).as("when its last acknowledged task had run").isEqualTo(2000);
		assertThat(survivor.capacity()).isEqualTo(4);
		assertThat(survivor.beyondCapacity()).isEqualTo(2);
		assertThat(survivor.rejectedBeyondOverload()).isEqualTo(1);
		assertThat(survivor.rejectedWhileIdle()).isZero();
		assertThat(survivor.idleAfterRefusingMs()).isEqualTo(1000);
		assertThat(run.incrementsBeyondCapacity()).isEqualTo(2);
		assertThat(run.rejectionTolerance()).as("unused capacity outside the refusing periods, +1 per window")
			.isEqualTo(8);
		assertThat(run.unusedWhileRefusing()).isCloseTo(0.5, within(1e-9));
		assertThat(run.executorUtilization()).isCloseTo(6.0 / 12, within(1e-9));
		assertThat(run.rejected()).isEqualTo(5);
		assertThat(run.rejectionsExplained()).isTrue();
		// 6 more refused at 3.9 s, with both threads free since 2 s
		List<LoadGenerator.Request> more = new ArrayList<>(requests);
		for (int i = 0; i < 6; i++) {
			more.add(request(30 + i, "increment", 3900, 3900, 503, "app-1/10"));
		}
		RunResult refusingTooMuch = executorRun(more, events, stop);
		RunResult.ExecutorWindow refusing = refusingTooMuch.executorWindows().get(0);
		assertThat(refusing.rejectedWhileIdle()).isEqualTo(7);
		assertThat(refusing.beyondCapacity()).as("11 arrived, capacity 8").isEqualTo(3);
		assertThat(refusing.unusedWhileRefusing()).isCloseTo(4.8, within(1e-9));
		assertThat(refusingTooMuch.rejectionsExplained()).as("11 rejected, 5 beyond capacity + 4").isFalse();
		assertThat(Report.table(List.of(refusingTooMuch))).contains("MORE THAN THE OVERLOAD EXPLAINS")
			.contains("app-1/10 0.0s..4.0s (4.0s): arrived 11 = acknowledged 3 + rejected 8; capacity 8");
		RunResult withoutStepLine = executorRun(requests, List.of(), stop);
		assertThat(withoutStepLine.executorWindows().get(0).toMs()).as("its exit").isEqualTo(5000);
	}

	private static RunResult executorRun(List<LoadGenerator.Request> requests, List<AppInstance.Event> events,
			AppInstance.Stop stop) {
		RunResult.Verification verification = new RunResult.Verification(0, 0, 0, 0, 0, 6, 6, true, "caught up");
		return new RunResult("test", HaProxy.Mode.L4, Column.Balancer.HEALTH_CHECK, Column.App.GRACEFUL, Path.of("."),
				requests, events, List.of(new RunResult.Restart(stop, 3000, Double.NaN, 20_000, null)), verification, 0,
				4000, 3000, 1000, 30_000, 0, 0, 2, 1000);
	}

	@Test
	void missingEventsAndIncrementsAreReportedOnlyAsFarAsTheSummariesCutRecordsAndTasks() {
		AppInstance.Summary flushFailed = summary(
				"Graceful shutdown completed in 6.1s: withdraw 3.0s, kafka-flush 2.0s "
						+ "timed-out (3 records not delivered); cut 3 records: orders; timed out: kafka-flush",
				Map.of("records", 3L));
		RunResult.Verification verification = new RunResult.Verification(100, 100, 0, 95, 5, 20, 18, true, "caught up");
		RunResult run = new RunResult("test", HaProxy.Mode.L4, Column.Balancer.HEALTH_CHECK, Column.App.GRACEFUL,
				Path.of("."), List.of(), List.of(), List.of(restart(flushFailed)), verification, 0, 30_000, 3000, 1000,
				30_000, 0, 0, 8, 2000);
		RunResult.Accounting accounting = run.accounting();
		assertThat(accounting.reported()).as("3 of the 5 missing events named").isEqualTo(3);
		assertThat(accounting.silentRecords()).isEqualTo(2);
		assertThat(accounting.silentTasks()).as("2 increments missing, no task cut").isEqualTo(2);
		assertThat(run.silentLosses()).isEqualTo(4);
		assertThat(accounting.describe()).startsWith("3 reported / 4 silent");
	}

	@Test
	void aKilledInstanceCountsWhatItsStepsReportedBeforeTheKill() {
		// the graceful.step.cut.* fields of the web drain, background work and Kafka
		// flush
		// that hit their bound, summed by kind
		AppInstance.Stop killed = new AppInstance.Stop("app-1", 10, 1000, 11_000, 137, true, 3000, null,
				Map.of("requests", 2L, "tasks", 5L, "records", 6L));
		assertThat(RunResult.reported(killed)).containsEntry("requests", 2L)
			.containsEntry("tasks", 5L)
			.containsEntry("records", 6L);
		AppInstance.Stop killedEarly = new AppInstance.Stop("app-1", 10, 1000, 11_000, 137, true, 3000, null, Map.of());
		List<LoadGenerator.Request> requests = List.of(request(1, "order-saturation", 900, 11_000, 0, ""));
		RunResult run = run(Column.App.GRACEFUL, requests,
				new RunResult.Restart(killedEarly, 1000, Double.NaN, 20_000, null));
		assertThat(run.silentLosses()).as("killed before any step reported: nothing was named").isEqualTo(1);
	}

	@Test
	void theLimitIsTheLastRequestOrTaskTheInstanceAcknowledgedAndTheKubernetesFloor() {
		List<LoadGenerator.Request> requests = new ArrayList<>();
		requests.add(request(1, "order", 1500, 3800, 201, "app-1/10"));
		requests.add(request(2, "order", 1600, 1700, 201, "app-2/20"));
		// 9 increments of 2 s on 8 threads: the ninth waits for a thread, ends at 1000 +
		// 2000 + 2000
		for (int i = 0; i < 9; i++) {
			requests.add(request(10 + i, "increment-burst", 990, 1000, 202, "app-1/10"));
		}
		RunResult.Restart restart = restart(CLEAN);
		RunResult healthCheck = run(Column.App.GRACEFUL, Column.Balancer.HEALTH_CHECK, requests, restart);
		RunResult.Timing timing = healthCheck.timing(restart);
		assertThat(timing.lastRoutedMs()).isEqualTo(500);
		assertThat(timing.lastRequestEndMs()).isEqualTo(2800);
		assertThat(timing.lastTaskEndMs()).isEqualTo(4000);
		assertThat(timing.limitMs()).isEqualTo(4000);
		assertThat(timing.sigtermToExitMs()).isEqualTo(3000);
		assertThat(timing.exitToLimit()).isCloseTo(0.75, within(0.001));
		RunResult endpoints = run(Column.App.GRACEFUL, Column.Balancer.ENDPOINTS, requests, restart);
		assertThat(endpoints.timing(restart).limitMs()).as("the 10s withdraw floor").isEqualTo(10_000);
		assertThat(endpoints.timing(restart).withinGoal()).isTrue();
	}

	@Test
	void anExitLaterThanTenPercentAndHalfASecondOverTheLimitMissesTheGoal() {
		RunResult.Timing timing = new RunResult.Timing(11_600, 0, 0, 0, 10_000, 10_000);
		assertThat(timing.withinGoal()).isFalse();
		assertThat(new RunResult.Timing(11_500, 0, 0, 0, 10_000, 10_000).withinGoal()).isTrue();
	}

	private static LoadGenerator.Request request(long seq, String kind, double start, double end, int status,
			String instance) {
		return new LoadGenerator.Request(seq, kind, kind.startsWith("order") ? "x-" + seq : "", start, end, status,
				(status == 0) ? "IOException: closed" : "", instance);
	}

	/**
	 * app-1 (pid 10): SIGTERM at 1000, exit at 4000; withdraw delay 10 s when it logged
	 * one.
	 */
	private static AppInstance.Summary summary(String line, Map<String, Long> cut) {
		return new AppInstance.Summary(line, cut);
	}

	private static RunResult.Restart restart(AppInstance.Summary summary) {
		return new RunResult.Restart(new AppInstance.Stop("app-1", 10, 1000, 4000, 0, false, 10_000, summary), 1000,
				Double.NaN, 20_000, null);
	}

	private static RunResult run(Column.App app, List<LoadGenerator.Request> requests, RunResult.Restart restart) {
		return run(app, Column.Balancer.HEALTH_CHECK, requests, restart);
	}

	private static RunResult run(Column.App app, Column.Balancer balancer, List<LoadGenerator.Request> requests,
			RunResult.Restart restart) {
		RunResult.Verification verification = new RunResult.Verification(0, 0, 0, 0, 0, 0, 0, true, "caught up");
		return new RunResult("test", HaProxy.Mode.L4, balancer, app, Path.of("."), requests, List.of(),
				List.of(restart), verification, 0, 30_000, 3000, 1000, 30_000, 5000, 0, 8, 2000);
	}

}
