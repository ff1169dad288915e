package io.graceful.autoconfigure.core;

/**
 * How a shutdown step ended.
 *
 * @since 0.1.0
 */
public enum StepOutcome {

	/**
	 * The step did all its work within its bound.
	 */
	COMPLETED("completed"),

	/**
	 * The step hit its bound; what was left is reported as cut.
	 */
	TIMED_OUT("timed-out"),

	/**
	 * The step failed with an exception.
	 */
	FAILED("failed"),

	/**
	 * The step had nothing to do or did not apply.
	 */
	SKIPPED("skipped");

	private final String label;

	StepOutcome(String label) {
		this.label = label;
	}

	/**
	 * The outcome as it appears in logs, metrics tags and the endpoint.
	 * @return the label, for example {@code timed-out}
	 */
	public String label() {
		return this.label;
	}

	@Override
	public String toString() {
		return this.label;
	}

}
