package io.graceful.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * What one scenario run (one HAProxy mode, one balancer model, one application column)
 * measured.
 */
record RunResult(String label, HaProxy.Mode mode, Column.Balancer balancer, Column.App app, Path dir,
		List<LoadGenerator.Request> requests, List<AppInstance.Event> events, List<Restart> restarts,
		Verification verification, double loadStartMs, double loadEndMs, long withdrawDelayMs, long detectionMs,
		long gracePeriodMs, long propagationMs, long prestopMs, int executorThreads, int incrementDelayMs) {

	/**
	 * A failed request ending this long after an instance's exit still counts against
	 * that instance's shutdown.
	 */
	static final double WINDOW_AFTER_EXIT_MS = 1000;

	/**
	 * The counts after the load stopped and the consumer and background work caught up
	 * (or the wait gave up).
	 */
	record Verification(long ordersAcknowledged, long orderRows, long missingOrders, long eventRows, long missingEvents,
			long incrementsAcknowledged, long counter, boolean caughtUp, String catchUp, long duplicateDeliveries) {

		/**
		 * Counts without duplicate deliveries: the broker's consumer does not count them
		 * (Kafka's stores a redelivered record once and says nothing).
		 */
		Verification(long ordersAcknowledged, long orderRows, long missingOrders, long eventRows, long missingEvents,
				long incrementsAcknowledged, long counter, boolean caughtUp, String catchUp) {
			this(ordersAcknowledged, orderRows, missingOrders, eventRows, missingEvents, incrementsAcknowledged,
					counter, caughtUp, catchUp, NOT_COUNTED);
		}

		/** {@link #duplicateDeliveries()} when the consumer does not count them. */
		static final long NOT_COUNTED = -1;

		/**
		 * Whether duplicate deliveries were counted: {@link #duplicateDeliveries()} is
		 * then the number of deliveries beyond the first, over every measured order
		 * (RabbitMQ: a message redelivered after its consumer stopped before the ack). A
		 * duplicate is no loss: the event is stored once.
		 */
		boolean duplicatesCounted() {
			return this.duplicateDeliveries != NOT_COUNTED;
		}

		long missingIncrements() {
			return Math.max(0, this.incrementsAcknowledged - this.counter);
		}

	}

	/**
	 * One roll of one instance: the roll started (the pod deleted; = SIGTERM without
	 * preStop), the balancer removed it (endpoints model; NaN otherwise), the stop
	 * itself, UP again, and whether its workers were all busy at SIGTERM (saturation
	 * scenario; null when not probed).
	 */
	record Restart(AppInstance.Stop stop, double rollStartMs, double removedAtMs, double upAgainAtMs,
			Boolean saturated) {

		String instance() {
			return this.stop.instance();
		}

		boolean killed() {
			return this.stop.killed();
		}

		double shutdownMs() {
			return this.stop.shutdownMs();
		}

	}

	/**
	 * Per restart: shutdown time against the least time a shutdown that loses nothing
	 * needs.
	 */
	record Timing(double sigtermToExitMs, double lastRoutedMs, double lastRequestEndMs, double lastTaskEndMs,
			double floorMs, double limitMs) {

		/**
		 * Exit over limit; NaN when the limit is 0 (everything was over before SIGTERM).
		 */
		double exitToLimit() {
			return (this.limitMs > 0) ? this.sigtermToExitMs / this.limitMs : Double.NaN;
		}

		/** The goal: at most 1.1 x limit + 0.5 s. */
		boolean withinGoal() {
			return this.sigtermToExitMs <= 1.1 * this.limitMs + 500;
		}

	}

	/**
	 * Requests a shutdown cut or dropped, against what the instance's summary reported.
	 */
	record Losses(long failed, long reportedCut, String summary) {

		/**
		 * Failed and named nowhere; only an instance that writes a summary (graceful) can
		 * name them.
		 */
		long silent() {
			return Math.max(0, this.failed - this.reportedCut);
		}

	}

	/** HTTP requests sent (gRPC calls apart: {@link #grpcSent()}). */
	long sent() {
		return this.requests.stream().filter((r) -> !r.grpc()).count();
	}

	long ok() {
		return this.requests.stream().filter((r) -> !r.grpc() && r.ok()).count();
	}

	long failed() {
		return this.requests.stream().filter((r) -> !r.grpc() && r.failed()).count();
	}

	/**
	 * One run of one instance's executor (its {@code name/pid}) from the first request it
	 * answered to the end of its last work: the end of its shutdown's background-work
	 * step (its exit when it logged none), or, for an instance still up when the load
	 * stopped, when its acknowledged increments had all run (replayed). Increments that
	 * arrived there are acknowledged or rejected; the executor can run at most
	 * {@code threads / delay} of them a second, so arrivals beyond that over the window
	 * are overload that no admission could accept without cutting work. Whatever it
	 * rejected beyond that overload is executor time left unused: its capacity minus what
	 * it ran.
	 * <p>
	 * The unused time is split by when it fell, replaying the acknowledged increments on
	 * the executor's threads in the order they were acknowledged (each from its 202, a
	 * few milliseconds after the executor took it): before the window's first rejection
	 * (a fresh instance filling its threads; nothing was refused yet), between its first
	 * and last rejection (while admission was refusing: capacity it refused without
	 * need), and after its last (the backlog draining once arrivals stopped or went
	 * elsewhere). A window without a rejection counts all of it as before.
	 *
	 * @param instance {@code name/pid}
	 * @param fromMs start of the first request it answered
	 * @param toMs end of its last work
	 * @param arrived increments it answered (acknowledged or rejected)
	 * @param acknowledged increments it answered 202
	 * @param rejected increments it refused with 503
	 * @param rejectedWhileIdle rejections at a moment when a thread was free and no task
	 * queued (replayed)
	 * @param idleBeforeRefusingMs thread time unused before the first rejection
	 * @param idleWhileRefusingMs thread time unused between the first and last rejection
	 * @param idleAfterRefusingMs thread time unused after the last rejection
	 * @param threads the executor's threads
	 * @param delayMs the run time of one increment
	 */
	record ExecutorWindow(String instance, double fromMs, double toMs, long arrived, long acknowledged, long rejected,
			long rejectedWhileIdle, double idleBeforeRefusingMs, double idleWhileRefusingMs, double idleAfterRefusingMs,
			int threads, int delayMs) {

		/** Increments the executor could have run over the window. */
		double capacity() {
			return Math.max(0, this.toMs - this.fromMs) * this.threads / this.delayMs;
		}

		/** Arrivals beyond what the executor could run over the window. */
		long beyondCapacity() {
			return Math.max(0, (long) Math.ceil(this.arrived - capacity()));
		}

		/**
		 * Share of the executor's thread time spent on acknowledged increments: each ran
		 * its delay (plus one UPDATE, not counted), and the counter shows that every one
		 * ran.
		 */
		double utilization() {
			double threadMs = Math.max(0, this.toMs - this.fromMs) * this.threads;
			return (threadMs > 0) ? this.acknowledged * (double) this.delayMs / threadMs : Double.NaN;
		}

		/** Rejected beyond the overload: capacity the executor did not use. */
		long rejectedBeyondOverload() {
			return Math.max(0, this.rejected - beyondCapacity());
		}

		/**
		 * Increments the unused thread time outside the refusing period could have run:
		 * admission refused nothing then, so it explains rejections beyond the overload
		 * without any refusal being unneeded. One more for rounding and for the replay,
		 * which starts a task at its 202 rather than when the executor took it.
		 */
		long unusedWhileNotRefusing() {
			return (long) Math.ceil((this.idleBeforeRefusingMs + this.idleAfterRefusingMs) / this.delayMs) + 1;
		}

		/**
		 * Increments the thread time unused while admission was refusing could have run.
		 */
		double unusedWhileRefusing() {
			return this.idleWhileRefusingMs / this.delayMs;
		}

	}

	/**
	 * Per run of each instance, increments arrived, acknowledged and rejected against its
	 * executor's capacity while it was up; empty when the delay is unknown.
	 */
	List<ExecutorWindow> executorWindows() {
		if (this.incrementDelayMs <= 0) {
			return List.of();
		}
		Map<String, List<LoadGenerator.Request>> byInstance = new TreeMap<>();
		for (LoadGenerator.Request request : this.requests) {
			if (!request.grpc() && !request.instance().isEmpty()) {
				byInstance.computeIfAbsent(request.instance(), (key) -> new ArrayList<>()).add(request);
			}
		}
		List<ExecutorWindow> windows = new ArrayList<>();
		for (Map.Entry<String, List<LoadGenerator.Request>> entry : byInstance.entrySet()) {
			List<double[]> tasks = new ArrayList<>();
			List<Double> rejections = new ArrayList<>();
			double from = Double.NaN;
			double lastEnd = Double.NaN;
			for (LoadGenerator.Request request : entry.getValue()) {
				from = Double.isNaN(from) ? request.startMs() : Math.min(from, request.startMs());
				lastEnd = max(lastEnd, request.endMs());
				if (request.kind().startsWith("increment")) {
					if (request.ok()) {
						tasks.add(new double[] { request.endMs(), this.incrementDelayMs });
					}
					else if (request.rejected()) {
						rejections.add(request.endMs());
					}
				}
			}
			if (tasks.isEmpty() && rejections.isEmpty()) {
				continue;
			}
			List<double[]> replayed = replay(tasks, this.executorThreads);
			double to = windowEnd(entry.getKey(), lastEnd, replayed);
			long whileIdle = rejections.stream().filter((at) -> ahead(replayed, at) < this.executorThreads).count();
			double firstRejection = rejections.stream().mapToDouble(Double::doubleValue).min().orElse(to);
			double lastRejection = rejections.stream().mapToDouble(Double::doubleValue).max().orElse(to);
			firstRejection = Math.min(Math.max(firstRejection, from), to);
			lastRejection = Math.min(Math.max(lastRejection, firstRejection), to);
			windows.add(new ExecutorWindow(entry.getKey(), from, to, tasks.size() + rejections.size(), tasks.size(),
					rejections.size(), whileIdle, idleMs(replayed, from, firstRejection),
					idleMs(replayed, firstRejection, lastRejection), idleMs(replayed, lastRejection, to),
					this.executorThreads, this.incrementDelayMs));
		}
		windows.sort((a, b) -> Double.compare(a.fromMs(), b.fromMs()));
		return windows;
	}

	/** Replayed tasks acknowledged and not yet ended at {@code at}: running or queued. */
	private static long ahead(List<double[]> replayed, double at) {
		return replayed.stream().filter((task) -> task[0] <= at && at < task[2]).count();
	}

	/** Thread time in {@code [from, to)} that no replayed task used. */
	private double idleMs(List<double[]> replayed, double from, double to) {
		double used = 0;
		for (double[] task : replayed) {
			used += Math.max(0, Math.min(task[2], to) - Math.max(task[1], from));
		}
		return Math.max(0, this.executorThreads * (to - from) - used);
	}

	/**
	 * The end of a window: the background-work step's end of the stop of this
	 * {@code name/pid} (its exit without one), else when its last acknowledged task had
	 * run.
	 */
	private double windowEnd(String instance, double lastEnd, List<double[]> replayed) {
		double lastTask = replayed.stream().mapToDouble((task) -> task[2]).max().orElse(Double.NaN);
		for (Restart restart : this.restarts) {
			AppInstance.Stop stop = restart.stop();
			if (instance.equals(stop.instance() + "/" + stop.pid())) {
				return this.events.stream()
					.filter((event) -> event.kind().equals(AppInstance.BACKGROUND_WORK_END)
							&& event.instance().equals(stop.instance()) && event.atMs() >= stop.sigtermAtMs()
							&& event.atMs() <= stop.exitAtMs())
					.mapToDouble(AppInstance.Event::atMs)
					.findFirst()
					.orElse(stop.exitAtMs());
			}
		}
		return max(lastEnd, lastTask);
	}

	/** Increments arrived beyond the executors' capacity, summed over every window. */
	long incrementsBeyondCapacity() {
		return executorWindows().stream().mapToLong(ExecutorWindow::beyondCapacity).sum();
	}

	/**
	 * Thread time spent on acknowledged increments over every window's thread time; NaN
	 * without windows.
	 */
	double executorUtilization() {
		List<ExecutorWindow> windows = executorWindows();
		double threadMs = windows.stream().mapToDouble((w) -> Math.max(0, w.toMs() - w.fromMs()) * w.threads()).sum();
		double busyMs = windows.stream().mapToDouble((w) -> w.acknowledged() * (double) w.delayMs()).sum();
		return (threadMs > 0) ? busyMs / threadMs : Double.NaN;
	}

	/**
	 * How many rejections the executors' capacity may leave unexplained: the increments
	 * that the thread time unused while admission refused nothing could have run, per
	 * window ({@link ExecutorWindow#unusedWhileNotRefusing()}).
	 */
	long rejectionTolerance() {
		return executorWindows().stream().mapToLong(ExecutorWindow::unusedWhileNotRefusing).sum();
	}

	/**
	 * Increments the executors' thread time unused while admission was refusing could
	 * have run, over every window: what admission refused without need.
	 */
	double unusedWhileRefusing() {
		return executorWindows().stream().mapToDouble(ExecutorWindow::unusedWhileRefusing).sum();
	}

	/**
	 * Whether the rejections are no more than the measured overload explains: at most the
	 * arrivals beyond the executors' capacity plus {@link #rejectionTolerance()}.
	 */
	boolean rejectionsExplained() {
		return rejected() <= incrementsBeyondCapacity() + rejectionTolerance();
	}

	/** Increments the application refused with 503 (shutdown-safe admission). */
	long rejected() {
		return this.requests.stream().filter(LoadGenerator.Request::rejected).count();
	}

	/** gRPC calls made ({@code --grpc-share}). */
	long grpcSent() {
		return this.requests.stream().filter(LoadGenerator.Request::grpc).count();
	}

	long grpcFailed() {
		return this.requests.stream().filter((r) -> r.grpc() && !r.ok()).count();
	}

	/** Why gRPC calls failed: the status code's name, with counts. */
	Map<String, Long> grpcFailureReasons() {
		Map<String, Long> reasons = new TreeMap<>();
		for (LoadGenerator.Request request : this.requests) {
			if (request.grpc() && !request.ok()) {
				reasons.merge(request.error().replaceAll(":.*", ""), 1L, Long::sum);
			}
		}
		return reasons;
	}

	long failed(String kind) {
		return this.requests.stream().filter((r) -> r.failed() && r.kind().startsWith(kind)).count();
	}

	boolean graceful() {
		return this.app == Column.App.GRACEFUL;
	}

	/** Why HTTP requests failed: HTTP status or the client's error, with counts. */
	Map<String, Long> failureReasons() {
		Map<String, Long> reasons = new TreeMap<>();
		for (LoadGenerator.Request request : this.requests) {
			if (!request.grpc() && request.failed()) {
				String reason = (request.status() != 0) ? "HTTP " + request.status()
						: request.error().replaceAll(":.*", "");
				reasons.merge(reason, 1L, Long::sum);
			}
		}
		return reasons;
	}

	long lost() {
		return failed() + grpcFailed() + this.verification.missingOrders() + this.verification.missingEvents()
				+ this.verification.missingIncrements();
	}

	/**
	 * Nothing failed, nothing is missing, and the wait for the consumer and background
	 * work did not give up.
	 */
	boolean lostNothing() {
		return lost() == 0 && this.verification.caughtUp();
	}

	/** Shutdown time against its limit, for one restart. */
	Timing timing(Restart restart) {
		AppInstance.Stop stop = restart.stop();
		double lastRouted = Double.NaN;
		double lastEnd = Double.NaN;
		List<double[]> tasks = new ArrayList<>();
		for (LoadGenerator.Request request : this.requests) {
			if (!request.answeredBy(stop.instance(), stop.pid())) {
				continue;
			}
			if (request.balanced()) {
				lastRouted = max(lastRouted, request.startMs());
			}
			lastEnd = max(lastEnd, request.endMs());
			if (request.ok() && request.kind().startsWith("increment")) {
				tasks.add(new double[] { request.endMs(), incrementDelayMs() });
			}
		}
		double lastTask = lastTaskEnd(tasks, this.executorThreads);
		double floor = Double.NaN;
		if (graceful() && stop.trafficAwareWithdraw()) {
			// the instance learns that the balancer stopped only a quiet period after its
			// last request, and never ends its withdraw before the floor
			floor = max(stop.sigtermAtMs() + stop.withdrawMinMs(), lastRouted + stop.withdrawQuietMs());
		}
		else if (graceful() && this.balancer == Column.Balancer.ENDPOINTS && !Double.isNaN(stop.withdrawDelayMs())) {
			floor = stop.sigtermAtMs() + stop.withdrawDelayMs();
		}
		double limit = max(max(lastEnd, lastTask), floor);
		double limitMs = Double.isNaN(limit) ? 0 : Math.max(0, limit - stop.sigtermAtMs());
		return new Timing(stop.shutdownMs(), lastRouted - stop.sigtermAtMs(), lastEnd - stop.sigtermAtMs(),
				lastTask - stop.sigtermAtMs(), floor - stop.sigtermAtMs(), limitMs);
	}

	/**
	 * Tasks {@code [acknowledged, delay]} replayed on {@code threads} threads in the
	 * order they were acknowledged, each starting when it was acknowledged or a thread
	 * became free: {@code [acknowledged, start, end]} each.
	 */
	static List<double[]> replay(List<double[]> tasks, int threads) {
		List<double[]> sorted = new ArrayList<>(tasks);
		sorted.sort((a, b) -> Double.compare(a[0], b[0]));
		PriorityQueue<Double> free = new PriorityQueue<>();
		for (int i = 0; i < threads; i++) {
			free.add(Double.NEGATIVE_INFINITY);
		}
		List<double[]> replayed = new ArrayList<>();
		for (double[] task : sorted) {
			double start = Math.max(task[0], free.poll());
			double end = start + task[1];
			free.add(end);
			replayed.add(new double[] { task[0], start, end });
		}
		return replayed;
	}

	/**
	 * When the last acknowledged background task could end at the earliest: tasks run in
	 * the order they were acknowledged on an executor of {@code threads} threads, each
	 * for its delay (Spring Boot's executor: 8 core threads, unbounded queue).
	 */
	static double lastTaskEnd(List<double[]> tasks, int threads) {
		return replay(tasks, threads).stream().mapToDouble((task) -> task[2]).max().orElse(Double.NaN);
	}

	/**
	 * Failed requests that belong to one restart's shutdown, against what its summary
	 * reported as cut.
	 */
	Losses losses(Restart restart) {
		AppInstance.Stop stop = restart.stop();
		long failed = 0;
		for (LoadGenerator.Request request : this.requests) {
			if (request.failed() && belongsTo(request, restart)) {
				failed++;
			}
		}
		// the gRPC drain reports its cut calls apart ("cut 2 requests, 1 calls")
		Map<String, Long> reported = reported(stop);
		return new Losses(failed, reported.getOrDefault("requests", 0L) + reported.getOrDefault("calls", 0L),
				(stop.summary() != null) ? stop.summary().line() : null);
	}

	/**
	 * What the instance reported as cut in this stop, by kind: its summary's
	 * {@code graceful.shutdown.cut.*} fields, or, when it wrote none (killed before the
	 * end), the {@code graceful.step.cut.*} fields of the steps that hit their bound
	 * before the kill.
	 */
	static Map<String, Long> reported(AppInstance.Stop stop) {
		return (stop.summary() != null) ? stop.summary().cut() : stop.boundCut();
	}

	/**
	 * Losses split by whether the starter named them: per kind, what was lost and what
	 * the shutdown summaries (or, for a killed instance, its bound lines) reported as
	 * cut. Requests are held to the restart whose shutdown they failed in; undelivered
	 * records and cut tasks to the run (the lab sees a missing event or increment, not
	 * which instance dropped it). An acknowledged order without its row is always silent:
	 * no step can report it.
	 */
	record Accounting(long failedRequests, long reportedRequests, long silentRequests, long missingEvents,
			long reportedRecords, long missingIncrements, long reportedTasks, long missingRows) {

		long silentRecords() {
			return Math.max(0, this.missingEvents - this.reportedRecords);
		}

		long silentTasks() {
			return Math.max(0, this.missingIncrements - this.reportedTasks);
		}

		/** Lost and named by the starter. */
		long reported() {
			return (this.failedRequests - this.silentRequests) + (this.missingEvents - silentRecords())
					+ (this.missingIncrements - silentTasks());
		}

		/** Lost and named nowhere. */
		long silent() {
			return this.silentRequests + silentRecords() + silentTasks() + this.missingRows;
		}

		String describe() {
			return String.format(java.util.Locale.ROOT,
					"%d reported / %d silent (requests %d/%d, records %d/%d, tasks %d/%d, rows 0/%d)", reported(),
					silent(), this.failedRequests - this.silentRequests, this.silentRequests,
					this.missingEvents - silentRecords(), silentRecords(), this.missingIncrements - silentTasks(),
					silentTasks(), this.missingRows);
		}

	}

	/** Reported against silent losses, over every restart of a graceful run. */
	Accounting accounting() {
		long failed = 0;
		long reportedRequests = 0;
		long silentRequests = 0;
		long records = 0;
		long tasks = 0;
		for (Restart restart : this.restarts) {
			Losses losses = losses(restart);
			failed += losses.failed();
			reportedRequests += losses.reportedCut();
			silentRequests += losses.silent();
			Map<String, Long> reported = reported(restart.stop());
			records += reported.getOrDefault("records", 0L);
			tasks += reported.getOrDefault("tasks", 0L);
		}
		return new Accounting(failed, reportedRequests, silentRequests, this.verification.missingEvents(), records,
				this.verification.missingIncrements(), tasks, this.verification.missingOrders());
	}

	private boolean belongsTo(LoadGenerator.Request request, Restart restart) {
		double from = Math.min(restart.rollStartMs(), restart.stop().sigtermAtMs());
		return request.endMs() >= from && request.endMs() <= restart.stop().exitAtMs() + WINDOW_AFTER_EXIT_MS;
	}

	/**
	 * Failed requests outside every shutdown (a restarted instance that was slow, a
	 * timeout elsewhere).
	 */
	long failedOutsideShutdowns() {
		return this.requests.stream()
			.filter((r) -> r.failed() && this.restarts.stream().noneMatch((restart) -> belongsTo(r, restart)))
			.count();
	}

	/**
	 * Requests failed and named nowhere, over every graceful restart (0 for plain Boot:
	 * it names nothing).
	 */
	long silentRequests() {
		if (!graceful()) {
			return 0;
		}
		return this.restarts.stream().mapToLong((restart) -> losses(restart).silent()).sum();
	}

	/**
	 * Everything lost and named nowhere (requests, records, tasks, rows), over every
	 * graceful restart (0 for plain Boot: it names nothing).
	 */
	long silentLosses() {
		return graceful() ? accounting().silent() : 0;
	}

	private static double max(double a, double b) {
		if (Double.isNaN(a)) {
			return b;
		}
		if (Double.isNaN(b)) {
			return a;
		}
		return Math.max(a, b);
	}

}
