package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;

/**
 * Decides how much time a task submitted now has before background work ends: if a
 * shutdown started now, what background work would get (its bound, plus, with carry-over,
 * the bounds of the steps before it); during a shutdown, what is left of that. Executors
 * refuse a task whose estimated end lies beyond it, so that nothing they acknowledge is
 * cut.
 */
final class TaskAdmission {

	/** No admission check applies right now. */
	static final long UNLIMITED = Long.MAX_VALUE;

	private final ShutdownReport report;

	private final BackgroundWorkProperties.Admission mode;

	private volatile long horizonNanos;

	private volatile long stepDeadlineNanos;

	private volatile boolean stepStarted;

	TaskAdmission(ShutdownReport report, BackgroundWorkProperties.Admission mode, Duration horizon) {
		this.report = report;
		this.mode = mode;
		this.horizonNanos = horizon.toNanos();
	}

	/**
	 * The time background work would end after a shutdown started: its own bound, and
	 * with carry-over also the bounds of the steps before it (withdraw, listeners,
	 * drains), since the time those steps leave unused is passed on. Without carry-over
	 * only its own bound is certain.
	 * @param bounds every bound of the shutdown
	 * @param carryOver whether carry-over is on
	 * @return the time from the start of a shutdown to the end of background work
	 */
	static Duration horizon(List<ShutdownBound> bounds, boolean carryOver) {
		List<ShutdownBound> upToBackgroundWork = new ArrayList<>();
		for (ShutdownBound bound : bounds) {
			if (bound.phase() >= GracefulPhases.BACKGROUND_WORK
					&& (carryOver || bound.step().equals(GracefulStep.BACKGROUND_WORK.id()))) {
				upToBackgroundWork.add(bound);
			}
		}
		return ShutdownBound.total(upToBackgroundWork);
	}

	/**
	 * The time a task submitted now has before background work ends.
	 * @return nanoseconds, or {@link #UNLIMITED} when admission does not apply now
	 */
	long availableNanos() {
		if (this.mode == BackgroundWorkProperties.Admission.OFF) {
			return UNLIMITED;
		}
		if (this.report.getCloseStarted() == null) {
			return (this.mode == BackgroundWorkProperties.Admission.SHUTDOWN_SAFE) ? this.horizonNanos : UNLIMITED;
		}
		if (this.stepStarted) {
			return this.stepDeadlineNanos - System.nanoTime();
		}
		return this.horizonNanos - this.report.elapsed().toNanos();
	}

	/**
	 * How the rejection message names the available time.
	 * @param availableNanos what {@link #availableNanos()} returned
	 * @return the text
	 */
	String describe(long availableNanos) {
		String available = Durations.format(Duration.ofMillis(Math.max(0, availableNanos) / 1_000_000));
		if (this.report.getCloseStarted() == null) {
			return "the " + available + " background work would get if a shutdown started now ("
					+ "graceful.background-work.timeout plus the bounds of the steps before it)";
		}
		return "the " + available + " left of this shutdown's background work";
	}

	/**
	 * Set the time background work would get if a shutdown started now, once every bound
	 * is known.
	 * @param horizon the horizon
	 */
	void horizon(Duration horizon) {
		this.horizonNanos = horizon.toNanos();
	}

	/**
	 * The time background work would get if a shutdown started now.
	 * @return the horizon, in nanoseconds
	 */
	long horizonNanos() {
		return this.horizonNanos;
	}

	/**
	 * The background-work step has begun: from now on its own deadline counts.
	 * @param deadlineNanos the step's deadline, in nano time
	 */
	void stepStarted(long deadlineNanos) {
		this.stepDeadlineNanos = deadlineNanos;
		this.stepStarted = true;
	}

}
