package io.graceful.autoconfigure.core;

import java.time.Duration;

/**
 * Range checks for duration properties, with messages that name the property.
 *
 * @since 0.1.0
 */
public final class DurationRules {

	private DurationRules() {
	}

	/**
	 * Require a duration of zero or more.
	 * @param property the property name
	 * @param value the value
	 * @return the value
	 */
	public static Duration notNegative(String property, Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidGracefulPropertyException(property, text(value),
					"it must be 0 or more (for example 0s or 5s)");
		}
		return value;
	}

	/**
	 * Require a duration of more than zero.
	 * @param property the property name
	 * @param value the value
	 * @return the value
	 */
	public static Duration positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidGracefulPropertyException(property, text(value),
					"it must be more than 0 (for example 5s)");
		}
		return value;
	}

	private static String text(Duration value) {
		return (value != null) ? Durations.format(value) : "(none)";
	}

}
