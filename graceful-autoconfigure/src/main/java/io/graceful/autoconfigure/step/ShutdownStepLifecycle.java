package io.graceful.autoconfigure.step;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs one {@link ShutdownStep} in its phase: its action on a thread of its own, waited
 * for up to the step's timeout, then interrupted. The stop is synchronous, so Spring's
 * per-phase timeout does not cut it; the bound is the step's own.
 */
class ShutdownStepLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ShutdownStepLifecycle.class);

	private final ShutdownStep step;

	private final ShutdownReport report;

	private volatile boolean running;

	ShutdownStepLifecycle(ShutdownStep step, ShutdownReport report) {
		this.step = step;
		this.report = report;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		String name = this.step.name();
		StepRecorder recorder = this.report.begin(name, "Shutdown step " + name, this.step.timeout(), logger);
		Duration allowance = recorder.allowance();
		recorder.started("");
		FutureTask<Void> task = new FutureTask<>(() -> {
			this.step.run();
			return null;
		});
		Thread thread = new Thread(task, "graceful-step-" + name);
		thread.setDaemon(true);
		thread.start();
		try {
			task.get(allowance.toNanos(), TimeUnit.NANOSECONDS);
			recorder.completed("");
		}
		catch (TimeoutException ex) {
			task.cancel(true);
			recorder.timedOut("its thread was interrupted");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			recorder.failed(
					cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : ""),
					cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			task.cancel(true);
			recorder.failed("interrupted while waiting");
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.step.phase();
	}

}
