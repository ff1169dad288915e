package io.graceful.autoconfigure.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownBound;

/**
 * The worst case of a shutdown: every step's bound, the allowance for phases graceful
 * does not own and the safety margin, against the platform's grace period.
 *
 * @param bounds every bound, in shutdown order
 * @param gracePeriod the platform's grace period
 * @since 0.1.0
 */
public record ShutdownBudget(List<ShutdownBound> bounds, Duration gracePeriod) {

	public ShutdownBudget {
		bounds = List.copyOf(bounds);
	}

	/**
	 * The sum of all bounds.
	 * @return the worst case duration of a shutdown
	 */
	public Duration total() {
		return this.bounds.stream().map(ShutdownBound::duration).reduce(Duration.ZERO, Duration::plus);
	}

	/**
	 * Whether the worst case fits the grace period.
	 * @return {@code true} if it fits
	 */
	public boolean fits() {
		return total().compareTo(this.gracePeriod) <= 0;
	}

	/**
	 * A table of every bound, one per line, for logs and failure descriptions.
	 * @return the table
	 */
	public String describe() {
		List<String> lines = new ArrayList<>();
		int width = this.bounds.stream().mapToInt((bound) -> bound.step().length()).max().orElse(10);
		for (ShutdownBound bound : this.bounds) {
			lines.add(String.format("  %-" + width + "s %8s  %s", bound.step(), Durations.format(bound.duration()),
					bound.property()));
		}
		lines.add(String.format("  %-" + width + "s %8s", "total", Durations.format(total())));
		lines.add(String.format("  %-" + width + "s %8s  %s", "grace period", Durations.format(this.gracePeriod),
				"graceful.grace-period"));
		return String.join(System.lineSeparator(), lines);
	}

}
