package io.graceful.autoconfigure.budget;

import io.graceful.autoconfigure.core.Durations;

/**
 * Thrown at startup when the shutdown bounds do not fit the platform's grace period.
 *
 * @since 0.1.0
 */
public class ShutdownBudgetExceededException extends RuntimeException {

	private final ShutdownBudget budget;

	public ShutdownBudgetExceededException(ShutdownBudget budget) {
		super("The shutdown bounds add up to " + Durations.format(budget.total()) + ", more than the grace period of "
				+ Durations.format(budget.gracePeriod()));
		this.budget = budget;
	}

	public ShutdownBudget getBudget() {
		return this.budget;
	}

}
