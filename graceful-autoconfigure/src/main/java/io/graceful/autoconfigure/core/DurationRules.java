package io.graceful.autoconfigure.core;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

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
			throw new InvalidConfigurationPropertyValueException(property, text(value),
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
			throw new InvalidConfigurationPropertyValueException(property, text(value),
					"it must be more than 0 (for example 5s)");
		}
		return value;
	}

	/**
	 * Require whole seconds, zero or more.
	 * @param property the property name
	 * @param value the value
	 * @param why why only whole seconds are allowed
	 * @return the value
	 */
	public static Duration wholeSeconds(String property, Duration value, String why) {
		notNegative(property, value);
		if (value.toMillis() % 1000 != 0) {
			throw new InvalidConfigurationPropertyValueException(property, text(value),
					"it must be whole seconds, 0 or more (for example 1s): " + why);
		}
		return value;
	}

	private static String text(Duration value) {
		return (value != null) ? Durations.format(value) : "(none)";
	}

}
