package io.graceful.autoconfigure.grpc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import io.grpc.Server;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC drain, alongside the web drain: when it starts, new calls are refused and
 * streaming calls are ended with {@code UNAVAILABLE}; calls in flight get the bound;
 * stragglers are named; only then {@code shutdownNow()}.
 */
final class GrpcDrain {

	static final String STEP = GracefulStep.GRPC_DRAIN.id();

	private static final Logger logger = LoggerFactory.getLogger(GrpcDrain.class);

	private final GrpcServerHolder server;

	private final OpenGrpcCalls calls;

	private final ShutdownReport report;

	private final Duration timeout;

	private final LifecyclePhaseTimeout phaseTimeout;

	private volatile @Nullable StepRecorder recorder;

	private volatile int inFlightAtStart;

	GrpcDrain(GrpcServerHolder server, OpenGrpcCalls calls, ShutdownReport report, Duration timeout,
			LifecyclePhaseTimeout phaseTimeout) {
		this.server = server;
		this.calls = calls;
		this.report = report;
		this.timeout = timeout;
		this.phaseTimeout = phaseTimeout;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * Start the drain, with the web drain: refuse new calls, end streaming calls, and
	 * give the phase this step's allowance.
	 */
	void started() {
		Server running = this.server.get();
		if (running == null || running.isShutdown()) {
			return;
		}
		StepRecorder recorder = this.report.begin(GracefulStep.GRPC_DRAIN, this.timeout, logger);
		this.inFlightAtStart = this.calls.count();
		running.shutdown();
		int streams = this.calls.endStreams();
		recorder.count("calls-in-flight", this.inFlightAtStart)
			.count("streams-ended", streams)
			.started(String.format(
					"%d calls in flight, %d streaming calls ended with UNAVAILABLE; " + "new calls are refused",
					this.inFlightAtStart, streams));
		this.phaseTimeout.set(GracefulPhases.WEB_DRAIN, STEP,
				Duration.ofNanos(recorder.deadlineNanos() - System.nanoTime()));
		this.recorder = recorder;
	}

	/**
	 * Wait for the calls in flight within the allowance, name what is left, and cancel
	 * it.
	 */
	void finish() {
		StepRecorder recorder = this.recorder;
		Server running = this.server.get();
		if (recorder != null && running != null) {
			this.recorder = null;
			awaitCalls(recorder, running);
			running.shutdownNow();
		}
	}

	private void awaitCalls(StepRecorder recorder, Server running) {
		int inFlight = this.inFlightAtStart;
		if (awaitTermination(running, recorder.deadlineNanos() - System.nanoTime())) {
			recorder.completed(inFlight + " calls were in flight, 0 cut");
			return;
		}
		List<String> stragglers = this.calls.describe();
		recorder.cut("calls", stragglers.size(), stragglers).timedOut("cut " + stragglers.size() + " calls");
	}

	private static boolean awaitTermination(Server server, long nanos) {
		try {
			return server.awaitTermination(Math.max(0, nanos), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
