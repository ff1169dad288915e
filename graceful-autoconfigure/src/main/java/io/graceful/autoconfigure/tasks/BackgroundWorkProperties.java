package io.graceful.autoconfigure.tasks;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

/**
 * Settings of the background-work step: Spring-managed executors and schedulers and
 * {@link TrackedWork} finish before the resources they use go away.
 * <p>
 * Bound under {@code graceful.background-work}, as part of
 * {@link io.graceful.autoconfigure.GracefulProperties}.
 *
 * @since 0.1.0
 */
public class BackgroundWorkProperties {

	/**
	 * Longest time queued and running tasks of Spring-managed executors, and tracked
	 * work, may take to finish once the background-work step starts. Tasks still queued
	 * then are cancelled and running ones interrupted when the executors are destroyed;
	 * both are named in the log.
	 */
	private Duration timeout = Duration.ofSeconds(3);

	/**
	 * When executors refuse a task whose backlog could not finish within the time
	 * background work gets in a shutdown, instead of acknowledging work the shutdown
	 * would cut. The estimate is the executor's backlog over its threads times the mean
	 * run time of its recent tasks; an executor with no finished task yet admits
	 * everything.
	 */
	private Admission admission = Admission.DURING_SHUTDOWN;

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	public void validate() {
		DurationRules.positive(GracefulStep.BACKGROUND_WORK.property(), this.timeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Admission getAdmission() {
		return this.admission;
	}

	public void setAdmission(Admission admission) {
		this.admission = admission;
	}

	/**
	 * When executors check a submission against the time a shutdown leaves.
	 */
	public enum Admission {

		/**
		 * Never: every task is accepted until background work ends.
		 */
		OFF,

		/**
		 * During a shutdown only: a task that could not finish in what is left of
		 * background work is refused.
		 */
		DURING_SHUTDOWN,

		/**
		 * Always: also while the application runs, a task that could not finish if a
		 * shutdown started now is refused. Changes how the application behaves under
		 * load, so it is opt-in.
		 */
		SHUTDOWN_SAFE

	}

}
