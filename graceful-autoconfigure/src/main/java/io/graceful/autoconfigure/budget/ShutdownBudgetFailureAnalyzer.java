package io.graceful.autoconfigure.budget;

import java.time.Duration;

import io.graceful.autoconfigure.core.Durations;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ShutdownBudgetExceededException}: every bound, and what to change.
 */
class ShutdownBudgetFailureAnalyzer extends AbstractFailureAnalyzer<ShutdownBudgetExceededException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ShutdownBudgetExceededException cause) {
		ShutdownBudget budget = cause.getBudget();
		Duration excess = budget.total().minus(budget.gracePeriod());
		String description = String.format(
				"The worst case of a graceful shutdown (%s) does not fit the platform's grace period (%s); "
						+ "the platform would kill the process %s before the last step ends:%n%s",
				Durations.format(budget.total()), Durations.format(budget.gracePeriod()), Durations.format(excess),
				budget.describe());
		String action = String.format("Lower the bounds listed above by %s in total, or raise graceful.grace-period "
				+ "to at least %s together with the platform's own limit (Kubernetes terminationGracePeriodSeconds, "
				+ "systemd TimeoutStopSec, Docker stop timeout). To start anyway with only a warning, "
				+ "set graceful.budget-check=warn.", Durations.format(excess), Durations.format(budget.total()));
		return new FailureAnalysis(description, action, cause);
	}

}
