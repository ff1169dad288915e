package io.graceful.sample;

/**
 * A request field that does not satisfy the contract; answered with 400 and the field's
 * name.
 */
class InvalidFieldException extends RuntimeException {

	private final String field;

	InvalidFieldException(String field, String message) {
		super(field + " " + message);
		this.field = field;
	}

	String getField() {
		return this.field;
	}

}
