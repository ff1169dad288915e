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

	/** Increments sent through the balancer. */
	long incrementsOffered() {
		return this.requests.stream().filter((r) -> r.kind().equals("increment")).count();
	}

	/**
	 * How many increments one instance's executor completes over the load, at most:
	 * {@code threads / delay} per second (the sample app runs them on Spring Boot's
	 * executor). With every instance up the whole time the capacity would be that times
	 * the instances; a roll takes one out for its restart, so one instance's worth is
	 * what the run is sure of, and increments offered beyond twice that are overload no
	 * admission could have accepted safely.
	 */
	long incrementCapacityPerInstance() {
		if (this.incrementDelayMs <= 0) {
			return Long.MAX_VALUE;
		}
		return (long) ((this.loadEndMs - this.loadStartMs) * this.executorThreads / this.incrementDelayMs);
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
	 * When the last acknowledged background task could end at the earliest: tasks run in
	 * the order they were acknowledged on an executor of {@code threads} threads, each
	 * for its delay (Spring Boot's executor: 8 core threads, unbounded queue).
	 */
	static double lastTaskEnd(List<double[]> tasks, int threads) {
		if (tasks.isEmpty()) {
			return Double.NaN;
		}
		tasks.sort((a, b) -> Double.compare(a[0], b[0]));
		PriorityQueue<Double> free = new PriorityQueue<>();
		for (int i = 0; i < threads; i++) {
			free.add(Double.NEGATIVE_INFINITY);
		}
		double last = Double.NaN;
		for (double[] task : tasks) {
			double start = Math.max(task[0], free.poll());
			double end = start + task[1];
			free.add(end);
			last = max(last, end);
		}
		return last;
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
