package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;

/**
 * One bound that counts in the shutdown budget. Every step of the shutdown declares one,
 * as a bean or, for the built-in steps every application has, through
 * {@link BoundedStep}; user steps declare a bean.
 *
 * @param step the step name, for example {@code web-drain}
 * @param property the property that sets it, for example
 * {@code graceful.web-drain.timeout}
 * @param duration the bound
 * @param phase the lifecycle phase the step runs in (orders the budget table)
 * @param phaseTimeout whether Spring's lifecycle processor must use the bound as the
 * timeout of that phase ({@code false} when the step bounds itself)
 * @since 0.1.0
 */
public record ShutdownBound(String step, String property, Duration duration, int phase, boolean phaseTimeout) {

	/**
	 * A bound that the step enforces itself.
	 * @param step the step name
	 * @param property the property that sets it
	 * @param duration the bound
	 * @param phase the phase the step runs in
	 * @return the bound
	 */
	public static ShutdownBound of(String step, String property, Duration duration, int phase) {
		return new ShutdownBound(step, property, duration, phase, false);
	}

	/**
	 * The bound of a built-in step, which the step enforces itself.
	 * @param step the step
	 * @param duration the bound
	 * @param phase the phase the step runs in
	 * @return the bound
	 */
	public static ShutdownBound of(GracefulStep step, Duration duration, int phase) {
		return of(step.id(), step.property(), duration, phase);
	}

	/**
	 * The bound of a built-in step, which Spring's lifecycle processor enforces as the
	 * timeout of its phase.
	 * @param step the step
	 * @param duration the bound
	 * @param phase the lifecycle phase
	 * @return the bound
	 */
	public static ShutdownBound ofPhase(GracefulStep step, Duration duration, int phase) {
		return ofPhase(step.id(), step.property(), duration, phase);
	}

	/**
	 * A bound that Spring's lifecycle processor enforces as the timeout of a phase.
	 * @param step the step name
	 * @param property the property that sets it
	 * @param duration the bound
	 * @param phase the lifecycle phase
	 * @return the bound
	 */
	public static ShutdownBound ofPhase(String step, String property, Duration duration, int phase) {
		return new ShutdownBound(step, property, duration, phase, true);
	}

	/**
	 * Every bound of the shutdown, in shutdown order (highest phase first).
	 * @param bounds the bound beans
	 * @param steps the steps that declare their own bound
	 * @return the bounds
	 */
	public static List<ShutdownBound> all(ObjectProvider<ShutdownBound> bounds, ObjectProvider<BoundedStep> steps) {
		List<ShutdownBound> all = new ArrayList<>();
		for (BoundedStep step : steps.orderedStream().toList()) {
			all.add(step.shutdownBound());
		}
		all.addAll(bounds.orderedStream().toList());
		all.sort((a, b) -> Integer.compare(b.phase(), a.phase()));
		return all;
	}

	/**
	 * The longest a set of bounds can take one after the other: bounds that Spring's
	 * lifecycle processor enforces as the timeout of the same phase run alongside each
	 * other, so only the longest of them counts.
	 * @param bounds the bounds
	 * @return their worst case
	 */
	public static Duration total(Collection<ShutdownBound> bounds) {
		Duration total = Duration.ZERO;
		for (ShutdownBound bound : bounds) {
			if (!bound.phaseTimeout()) {
				total = total.plus(bound.duration());
			}
		}
		for (Duration timeout : phaseTimeouts(bounds).values()) {
			total = total.plus(timeout);
		}
		return total;
	}

	/**
	 * The timeout each phase needs from Spring's lifecycle processor: the longest of the
	 * bounds it enforces in that phase, since those steps run alongside each other.
	 * @param bounds the bounds
	 * @return the timeout per phase, for the phases that have such bounds
	 */
	public static Map<Integer, Duration> phaseTimeouts(Collection<ShutdownBound> bounds) {
		Map<Integer, Duration> phaseTimeouts = new HashMap<>();
		for (ShutdownBound bound : bounds) {
			Duration longest = phaseTimeouts.get(bound.phase());
			if (bound.phaseTimeout() && (longest == null || bound.duration().compareTo(longest) > 0)) {
				phaseTimeouts.put(bound.phase(), bound.duration());
			}
		}
		return phaseTimeouts;
	}

}
