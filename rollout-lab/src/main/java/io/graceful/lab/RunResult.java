package io.graceful.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scenario run (one HAProxy mode, graceful or baseline) measured.
 */
record RunResult(String label, HaProxy.Mode mode, boolean graceful, Path dir, List<LoadGenerator.Request> requests,
		List<AppInstance.Event> events, List<AppInstance.Restart> restarts, Verification verification,
		double loadStartMs, double loadEndMs, long withdrawDelayMs, long detectionMs, long gracePeriodMs) {

	/**
	 * The counts after the load stopped and the consumer and background work caught up
	 * (or the wait gave up).
	 */
	record Verification(long ordersAcknowledged, long orderRows, long missingOrders, long eventRows, long missingEvents,
			long incrementsAcknowledged, long counter, boolean caughtUp, String catchUp) {

		long missingIncrements() {
			return Math.max(0, this.incrementsAcknowledged - this.counter);
		}

	}

	long sent() {
		return this.requests.size();
	}

	long ok() {
		return this.requests.stream().filter(LoadGenerator.Request::ok).count();
	}

	long failed() {
		return sent() - ok();
	}

	long failed(String kind) {
		return this.requests.stream().filter((r) -> !r.ok() && r.kind().equals(kind)).count();
	}

	/** Why requests failed: HTTP status or the client's error, with counts. */
	Map<String, Long> failureReasons() {
		Map<String, Long> reasons = new TreeMap<>();
		for (LoadGenerator.Request request : this.requests) {
			if (!request.ok()) {
				String reason = (request.status() != 0) ? "HTTP " + request.status()
						: request.error().replaceAll(":.*", "");
				reasons.merge(reason, 1L, Long::sum);
			}
		}
		return reasons;
	}

	long lost() {
		return failed() + this.verification.missingOrders() + this.verification.missingEvents()
				+ this.verification.missingIncrements();
	}

	/**
	 * Nothing failed, nothing is missing, and the wait for the consumer and background
	 * work did not give up.
	 */
	boolean lostNothing() {
		return lost() == 0 && this.verification.caughtUp();
	}

}
