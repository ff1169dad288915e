package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.InFlightRequest;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepForecaster;
import io.graceful.autoconfigure.core.StepRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The web drain as graceful sees it. It starts just before Spring Boot's graceful web
 * shutdown: the server stops accepting, and requests that reached the server but still
 * wait for a worker thread are given to the application first (a paused server may close
 * them without a response); then Spring Boot's drain gets the rest of the bound. It ends
 * when the next phase begins, after which requests still in flight, or still queued, are
 * cut. Its log lines are a documented contract (the rollout lab parses them).
 * <p>
 * It is the lifecycle of its start, one phase before Spring Boot's graceful shutdown; a
 * {@link PhaseCallback} one phase after that marks its end.
 */
class WebDrain implements SmartLifecycle, StepForecaster, BoundedStep {

	static final String STEP = GracefulStep.WEB_DRAIN.id();

	private static final Logger logger = LoggerFactory.getLogger(WebDrain.class);

	private static final long QUEUE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private final InFlightRequests inFlightRequests;

	private final @Nullable OpenStreams openStreams;

	private final List<QueuedRequests> queuedRequests;

	private final ShutdownReport report;

	private final Duration drainTimeout;

	private final LifecyclePhaseTimeout phaseTimeout;

	private volatile @Nullable StepRecorder recorder;

	private @Nullable OpenWebSockets openWebSockets;

	private Duration webSocketCloseTimeout = Duration.ofSeconds(1);

	private final AtomicBoolean webSocketsAborted = new AtomicBoolean(true);

	private volatile int inFlightAtStart;

	private volatile int queuedAtStart;

	private volatile int queuedWhenWaitEnded;

	private volatile boolean running;

	WebDrain(InFlightRequests inFlightRequests, @Nullable OpenStreams openStreams, List<QueuedRequests> queuedRequests,
			ShutdownReport report, Duration drainTimeout, LifecyclePhaseTimeout phaseTimeout) {
		this.inFlightRequests = inFlightRequests;
		this.openStreams = openStreams;
		this.queuedRequests = queuedRequests;
		this.report = report;
		this.drainTimeout = drainTimeout;
		this.phaseTimeout = phaseTimeout;
	}

	/**
	 * Send 1001 to the open WebSocket sessions when the drain starts, and abort those
	 * still open after the timeout.
	 */
	void closeWebSockets(OpenWebSockets openWebSockets, Duration closeTimeout) {
		this.openWebSockets = openWebSockets;
		this.webSocketCloseTimeout = closeTimeout;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		started();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WEB_DRAIN_START;
	}

	@Override
	public ShutdownBound shutdownBound() {
		return ShutdownBound.ofPhase(GracefulStep.WEB_DRAIN, this.drainTimeout, GracefulPhases.WEB_DRAIN);
	}

	/**
	 * What the web drain would face if a shutdown started now: the requests in flight,
	 * and those already older than the drain's bound, which would likely be cut.
	 * @return the forecast
	 */
	@Override
	public StepForecast forecast() {
		List<InFlightRequest> inFlight = this.inFlightRequests.snapshot();
		long oldest = 0;
		List<String> atRisk = new ArrayList<>();
		for (InFlightRequest request : inFlight) {
			Duration age = request.age();
			oldest = Math.max(oldest, age.toMillis());
			if (age.compareTo(this.drainTimeout) > 0) {
				atRisk.add(request.describe());
			}
		}
		Map<String, Object> facts = new LinkedHashMap<>();
		facts.put("requestsInFlight", inFlight.size());
		facts.put("oldestRequestAgeMs", oldest);
		facts.put("openStreams", (this.openStreams != null) ? this.openStreams.count() : 0);
		if (!atRisk.isEmpty()) {
			return new StepForecast(STEP, this.drainTimeout, StepForecast.Verdict.WOULD_CUT, atRisk.size(), facts,
					atRisk);
		}
		return StepForecast.fits(STEP, this.drainTimeout, facts);
	}

	void started() {
		this.report.setState(ShutdownState.DRAINING);
		StepRecorder recorder = this.report.begin(GracefulStep.WEB_DRAIN, this.drainTimeout, logger);
		this.recorder = recorder;
		this.queuedRequests.forEach(QueuedRequests::stopAccepting);
		this.inFlightAtStart = this.inFlightRequests.count();
		this.queuedAtStart = queued();
		int streams = (this.openStreams != null) ? this.openStreams.completeAll() : 0;
		String streamsDone = (this.openStreams != null) ? streams + " open streams completed"
				: "open streams left to the bound (graceful.web-drain.complete-streams=false)";
		int webSockets = closeWebSockets(recorder);
		String queued = (this.queuedAtStart > 0) ? String.format(", %d queued for a worker thread", this.queuedAtStart)
				: "";
		recorder.count("requests-in-flight", this.inFlightAtStart)
			.count("requests-queued", this.queuedAtStart)
			.count("streams-completed", streams)
			.count("web-sockets-closed", webSockets)
			.started(String.format("%d requests in flight%s, %s%s; no new connections are accepted",
					this.inFlightAtStart, queued, streamsDone, (this.openWebSockets != null)
							? String.format(", %d WebSocket sessions sent 1001", webSockets) : ""));
		if (this.queuedAtStart > 0) {
			awaitQueued(recorder);
		}
		this.phaseTimeout.set(GracefulPhases.WEB_DRAIN, STEP,
				Duration.ofNanos(recorder.deadlineNanos() - System.nanoTime()));
	}

	private int closeWebSockets(StepRecorder recorder) {
		OpenWebSockets openWebSockets = this.openWebSockets;
		if (openWebSockets == null) {
			return 0;
		}
		int closed = openWebSockets.closeAll();
		if (closed > 0) {
			this.webSocketsAborted.set(false);
			Executor later = CompletableFuture.delayedExecutor(this.webSocketCloseTimeout.toNanos(),
					TimeUnit.NANOSECONDS);
			later.execute(() -> abortWebSockets(recorder, "within " + Durations.format(this.webSocketCloseTimeout)));
		}
		return closed;
	}

	private void abortWebSockets(StepRecorder recorder, String when) {
		if (!this.webSocketsAborted.compareAndSet(false, true)) {
			return;
		}
		List<String> open = this.openWebSockets.abortOpen();
		if (!open.isEmpty()) {
			recorder.cut("web-sockets", open.size(), open)
				.warn(String.format("%d WebSocket sessions did not close within %s of being sent 1001; aborted: %s",
						open.size(), Durations.format(this.webSocketCloseTimeout), String.join(", ", open)));
		}
	}

	private void awaitQueued(StepRecorder recorder) {
		long deadline = recorder.deadlineNanos();
		int queued;
		while ((queued = queued()) > 0 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(QUEUE_POLL_NANOS);
		}
		this.queuedWhenWaitEnded = queued;
		if (logger.isDebugEnabled()) {
			logger.debug(String.format("Web drain: requests queued for a worker thread handed to the application in %s",
					Durations.format(recorder.elapsed())));
		}
	}

	void ended() {
		StepRecorder recorder = this.recorder;
		if (recorder == null) {
			return;
		}
		this.recorder = null;
		abortWebSockets(recorder, "by the end of the drain, " + Durations.format(recorder.elapsed()));
		List<InFlightRequest> stragglers = settledStragglers(recorder);
		// what the bound left queued is cut even if the server closed it meanwhile
		// (Jetty's
		// shortened idle timeout does): better counted twice than missed
		int queued = Math.max(queued(), this.queuedWhenWaitEnded);
		int received = this.inFlightAtStart + this.queuedAtStart;
		if (stragglers.isEmpty() && queued == 0) {
			recorder.completed(received + " requests were in flight, 0 cut");
			return;
		}
		List<String> names = new ArrayList<>(stragglers.stream().map(InFlightRequest::describe).toList());
		if (queued > 0) {
			names.add(queued + " queued, not yet read");
		}
		int cut = stragglers.size() + queued;
		recorder.cut("requests", cut, names);
		if (queued > 0) {
			recorder.timedOut("cut " + cut + " requests", "requests still queued for a worker thread were never read "
					+ "by the application; stopping the server cuts them");
		}
		else {
			recorder.timedOut("cut " + cut + " requests");
		}
	}

	/**
	 * The requests still tracked at the end of the drain. When the server finished its
	 * own drain before the allowance ran out, a request it has completed may still be
	 * between its last byte and the request filter's end (Reactor Netty completes a
	 * response before the WebFilter's finally runs): such requests get a moment to leave
	 * before they are named.
	 */
	private List<InFlightRequest> settledStragglers(StepRecorder recorder) {
		List<InFlightRequest> stragglers = this.inFlightRequests.snapshot();
		long settled = Math.min(recorder.deadlineNanos(), System.nanoTime() + SETTLE_NANOS);
		while (!stragglers.isEmpty() && System.nanoTime() - settled < 0) {
			LockSupport.parkNanos(QUEUE_POLL_NANOS);
			stragglers = this.inFlightRequests.snapshot();
		}
		return stragglers;
	}

	private int queued() {
		int queued = 0;
		for (QueuedRequests requests : this.queuedRequests) {
			queued += requests.count();
		}
		return queued;
	}

}
