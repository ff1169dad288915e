package io.graceful.autoconfigure.web;

/**
 * Closes the connections of a web server that carry no request, at the end of withdraw
 * and while the server still listens, so that no client reuses one into the drain.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface IdleConnectionCloser {

	/**
	 * Close every connection that has no request in progress.
	 * @return how many connections were closed
	 */
	int closeIdleConnections();

}
