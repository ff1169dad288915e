package io.graceful.autoconfigure.withdraw;

import java.time.Duration;

/**
 * Closes the connections of a web server that carry no request, at the end of withdraw
 * and while the server still listens, so that no client reuses one into the drain.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface IdleConnectionCloser {

	/**
	 * How long a connection must have had no I/O before it is closed as idle. A
	 * connection with I/O in the last moments is left alone even without a request in
	 * progress: it may be new, its request on the way or not yet parsed, and closing it
	 * would fail a request a client meant to send. Connections that served a response
	 * during the withdraw carry {@code Connection: close} and close anyway.
	 */
	Duration MIN_QUIET = Duration.ofMillis(500);

	/**
	 * Close every connection that has no request in progress.
	 * @return how many connections were closed
	 */
	int closeIdleConnections();

	/**
	 * Count the connections that carry no request now, however recently they had I/O. In
	 * a hand-over each is a kept-alive connection that has not moved to the successor
	 * yet: a request sent on it is answered with {@code Connection: close}, so the
	 * connection moves without a race, while closing it idle races a client that picks it
	 * from its pool at that moment (and a client must not retry a non-idempotent request,
	 * RFC 9112 §9.3.1).
	 * @return how many, or {@code -1} when this server cannot tell
	 */
	default int countIdleConnections() {
		return -1;
	}

}
