package io.graceful.autoconfigure.core;

import java.time.Duration;

/**
 * One bound that counts in the shutdown budget. Every step of the shutdown declares one
 * as a bean; user steps do too.
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

}
