package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.graceful.autoconfigure.budget.ShutdownBudget;
import io.graceful.autoconfigure.report.ShutdownReport;
import io.graceful.autoconfigure.report.ShutdownState;
import io.graceful.autoconfigure.report.StepRecorder;

/**
 * The web drain as graceful sees it: it starts with Spring Boot's graceful web shutdown
 * and ends when the next phase begins, after which requests still in flight are
 * stragglers. Its log lines are a documented contract (the rollout lab parses them).
 */
class WebDrain {

	static final String STEP = "web-drain";

	private static final Log logger = LogFactory.getLog(WebDrain.class);

	private final InFlightRequests inFlightRequests;

	private final OpenStreams openStreams;

	private final ShutdownReport report;

	private final Duration drainTimeout;

	private volatile StepRecorder recorder;

	private volatile int inFlightAtStart;

	WebDrain(InFlightRequests inFlightRequests, OpenStreams openStreams, ShutdownReport report,
			Duration drainTimeout) {
		this.inFlightRequests = inFlightRequests;
		this.openStreams = openStreams;
		this.report = report;
		this.drainTimeout = drainTimeout;
	}

	void started() {
		this.report.setState(ShutdownState.DRAINING);
		this.recorder = this.report.begin(STEP, this.drainTimeout);
		this.inFlightAtStart = this.inFlightRequests.count();
		int streams = (this.openStreams != null) ? this.openStreams.completeAll() : 0;
		logger.info(String.format("Web drain started: %d requests in flight, %d open streams completed; "
				+ "no new connections are accepted; waiting up to %s", this.inFlightAtStart, streams,
				ShutdownBudget.format(this.drainTimeout)));
		this.recorder.count("requests-in-flight", this.inFlightAtStart).count("streams-completed", streams);
	}

	void ended() {
		StepRecorder recorder = this.recorder;
		if (recorder == null) {
			return;
		}
		this.recorder = null;
		List<InFlightRequest> stragglers = this.inFlightRequests.snapshot();
		String elapsed = ShutdownBudget.format(Duration.ofMillis(recorder.elapsed().toMillis()));
		if (stragglers.isEmpty()) {
			logger.info(String.format("Web drain finished in %s: %d requests were in flight, 0 cut", elapsed,
					this.inFlightAtStart));
			recorder.completed(this.inFlightAtStart + " requests in flight, 0 cut");
			return;
		}
		List<String> names = stragglers.stream().map(InFlightRequest::describe).toList();
		logger.warn(String.format("Web drain hit its %s bound; cut %d requests: %s",
				ShutdownBudget.format(this.drainTimeout), stragglers.size(), String.join(", ", names)));
		recorder.cut("requests", stragglers.size(), names)
			.timedOut(this.inFlightAtStart + " requests in flight, " + stragglers.size() + " cut");
	}

}
