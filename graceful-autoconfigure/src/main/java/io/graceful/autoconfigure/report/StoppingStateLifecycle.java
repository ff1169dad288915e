package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Moves the report to {@link ShutdownState#STOPPING} once the web server has stopped, so
 * that the endpoint does not show {@code DRAINING} while background work, pools and
 * producers are finished. Runs just after {@link GracefulPhases#WEB_STOP}; a context
 * without a web server goes from {@code WITHDRAWING} to {@code STOPPING} here.
 */
class StoppingStateLifecycle implements SmartLifecycle {

	private final ShutdownReport report;

	private volatile boolean running;

	StoppingStateLifecycle(ShutdownReport report) {
		this.report = report;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		ShutdownState state = this.report.getState();
		if (state == ShutdownState.WITHDRAWING || state == ShutdownState.DRAINING) {
			this.report.setState(ShutdownState.STOPPING);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WEB_STOP - 1;
	}

}
