package io.graceful.autoconfigure.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.jspecify.annotations.Nullable;

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
	 * The sum of all bounds, bounds that run alongside each other counted once.
	 * @return the worst case duration of a shutdown
	 */
	public Duration total() {
		return ShutdownBound.total(this.bounds);
	}

	/**
	 * The step a bound runs alongside, if it does not count on its own: bounds that
	 * Spring's lifecycle processor enforces as the timeout of the same phase run
	 * together, so only the longest of them counts.
	 * @param bound one of the bounds
	 * @return the step whose bound counts for both, or {@code null} if this one counts
	 */
	@Nullable String alongside(ShutdownBound bound) {
		if (!bound.phaseTimeout()) {
			return null;
		}
		List<ShutdownBound> samePhase = this.bounds.stream()
			.filter((other) -> other.phaseTimeout() && other.phase() == bound.phase())
			.toList();
		Duration longest = samePhase.stream().map(ShutdownBound::duration).max(Duration::compareTo).orElseThrow();
		ShutdownBound counted = samePhase.stream()
			.filter((other) -> other.duration().equals(longest))
			.findFirst()
			.orElseThrow();
		return (counted == bound) ? null : counted.step();
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
			String alongside = alongside(bound);
			lines.add(String.format("  %-" + width + "s %8s  %s%s", bound.step(), Durations.format(bound.duration()),
					bound.property(), (alongside != null) ? " (runs alongside " + alongside + ", counted there)" : ""));
		}
		lines.add(String.format("  %-" + width + "s %8s", "total", Durations.format(total())));
		lines.add(String.format("  %-" + width + "s %8s  %s", "grace period", Durations.format(this.gracePeriod),
				"graceful.grace-period"));
		return String.join(System.lineSeparator(), lines);
	}

}
