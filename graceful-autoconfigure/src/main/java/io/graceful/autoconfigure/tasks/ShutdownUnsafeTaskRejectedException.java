package io.graceful.autoconfigure.tasks;

import java.time.Duration;

import org.springframework.core.task.TaskRejectedException;

/**
 * A task an executor refused when it was submitted, because the backlog it would join
 * could not finish within the time background work gets in a shutdown: accepting it would
 * acknowledge work that a shutdown cuts. Answer the caller with a retry (for example
 * {@code 503} with {@code Retry-After}). A {@code ThreadPoolTaskExecutor} wraps it: the
 * caller gets a {@link TaskRejectedException} whose cause is this exception (Spring MVC's
 * {@code @ExceptionHandler} matches causes, so a handler for this type still applies).
 *
 * @since 0.1.0
 */
public class ShutdownUnsafeTaskRejectedException extends TaskRejectedException {

	private final String executor;

	private final Duration estimate;

	private final Duration available;

	/**
	 * Create an exception.
	 * @param message the reason, with the numbers
	 * @param executor the executor's bean name
	 * @param estimate when the task would have finished, from now
	 * @param available the time background work would give it
	 */
	public ShutdownUnsafeTaskRejectedException(String message, String executor, Duration estimate, Duration available) {
		super(message);
		this.executor = executor;
		this.estimate = estimate;
		this.available = available;
	}

	/**
	 * The executor that refused the task.
	 * @return its bean name
	 */
	public String getExecutor() {
		return this.executor;
	}

	/**
	 * When the task would have finished, estimated from the backlog and the mean run time
	 * of the executor's recent tasks.
	 * @return the estimate, from the moment of submission
	 */
	public Duration getEstimate() {
		return this.estimate;
	}

	/**
	 * The time background work would give the task: if a shutdown started now, or what is
	 * left of it during a shutdown.
	 * @return the available time
	 */
	public Duration getAvailable() {
		return this.available;
	}

}
