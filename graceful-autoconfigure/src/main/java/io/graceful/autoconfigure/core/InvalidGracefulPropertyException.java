package io.graceful.autoconfigure.core;

/**
 * Thrown at startup when a {@code graceful.*} property has a value outside its allowed
 * range.
 *
 * @since 0.1.0
 */
public class InvalidGracefulPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String allowed;

	public InvalidGracefulPropertyException(String property, Object value, String allowed) {
		super("Invalid value '" + value + "' for " + property + ": " + allowed);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	public String getAllowed() {
		return this.allowed;
	}

}
