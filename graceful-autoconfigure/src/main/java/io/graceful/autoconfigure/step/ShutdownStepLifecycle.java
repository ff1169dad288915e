package io.graceful.autoconfigure.step;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs one {@link ShutdownStep} in its phase: its action on a thread of its own, waited
 * for up to the step's timeout, then interrupted. The stop is synchronous, so Spring's
 * per-phase timeout does not cut it; the bound is the step's own.
 */
class ShutdownStepLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShutdownStepLifecycle.class);

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
		Duration timeout = this.step.timeout();
		StepRecorder recorder = this.report.begin(name, timeout);
		Duration allowance = recorder.allowance();
		logger.info(String.format("Shutdown step %s started: waiting up to %s", name, recorder.describeAllowance()));
		FutureTask<Void> task = new FutureTask<>(() -> {
			this.step.run();
			return null;
		});
		Thread thread = new Thread(task, "graceful-step-" + name);
		thread.setDaemon(true);
		thread.start();
		try {
			task.get(allowance.toNanos(), TimeUnit.NANOSECONDS);
			String elapsed = format(recorder.elapsed());
			logger.info(String.format("Shutdown step %s finished in %s", name, elapsed));
			recorder.completed("");
		}
		catch (TimeoutException ex) {
			task.cancel(true);
			logger.warn(String.format("Shutdown step %s hit its %s bound; interrupted it and went on", name,
					recorder.describeAllowance()));
			recorder.timedOut("interrupted at its " + recorder.describeAllowance() + " bound");
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			String elapsed = format(recorder.elapsed());
			logger.warn(String.format("Shutdown step %s failed after %s: %s", name, elapsed,
					cause.getClass().getSimpleName()), cause);
			recorder.failed(cause.getClass().getSimpleName() + " after " + elapsed);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			task.cancel(true);
			logger.warn(String.format("Shutdown step %s was interrupted while waiting; went on", name));
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

	private static String format(Duration duration) {
		return Durations.format(Duration.ofMillis(duration.toMillis()));
	}

}
