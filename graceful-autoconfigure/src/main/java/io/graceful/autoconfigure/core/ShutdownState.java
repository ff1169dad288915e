package io.graceful.autoconfigure.core;

/**
 * Where an application is in its life, as far as shutdown is concerned.
 *
 * @since 0.1.0
 */
public enum ShutdownState {

	/**
	 * Serving normally.
	 */
	RUNNING,

	/**
	 * Readiness refuses traffic; requests are still served while load balancers catch up.
	 */
	WITHDRAWING,

	/**
	 * The web server no longer accepts connections; in-flight requests finish.
	 */
	DRAINING,

	/**
	 * Background work, pools and producers are being finished.
	 */
	STOPPING,

	/**
	 * Every step has run.
	 */
	STOPPED

}
