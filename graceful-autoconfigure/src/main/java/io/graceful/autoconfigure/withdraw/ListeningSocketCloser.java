package io.graceful.autoconfigure.withdraw;

/**
 * Closes the listening socket of the application's web server without pausing it:
 * connections already accepted are still served. With a hand-over
 * ({@code graceful.handover.enabled}) the withdraw step calls it first, so that the
 * kernel sends new connections only to the successor bound to the same port.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ListeningSocketCloser {

	/**
	 * Close the listening sockets of the application's server port.
	 */
	void closeListeningSockets();

}
