package io.graceful.sample;

/**
 * Checks the numbers the endpoints accept.
 */
final class Validation {

	static final long MAX_MILLIS = 60_000;

	private Validation() {
	}

	static long millis(Object value, String field, long defaultValue) {
		if (value == null) {
			return defaultValue;
		}
		if (value instanceof Integer || value instanceof Long) {
			long millis = ((Number) value).longValue();
			if (millis >= 0 && millis <= MAX_MILLIS) {
				return millis;
			}
		}
		throw new InvalidFieldException(field, "must be a whole number of milliseconds from 0 to " + MAX_MILLIS);
	}

}
