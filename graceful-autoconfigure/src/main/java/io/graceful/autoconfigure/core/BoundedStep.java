package io.graceful.autoconfigure.core;

/**
 * A step bean that declares its own bound in the shutdown budget, instead of a
 * {@link ShutdownBound} bean beside it: the built-in steps every application has do, so
 * that they add one bean each.
 *
 * @since 0.1.0
 */
public interface BoundedStep {

	/**
	 * The bound of this step in the shutdown budget.
	 * @return the bound
	 */
	ShutdownBound shutdownBound();

}
