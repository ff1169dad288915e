package io.graceful.autoconfigure.web;

import java.time.Duration;

/**
 * When an idle connection may be closed. A connection with I/O in the last moments is
 * left alone even without a request in progress: it may be new, its request on the way or
 * not yet parsed, and closing it would fail a request a client meant to send. Connections
 * that served a response during the withdraw carry {@code Connection: close} and close
 * anyway.
 */
final class ConnectionIdleness {

	/**
	 * How long a connection must have had no I/O before it is closed as idle.
	 */
	static final Duration MIN_QUIET = Duration.ofMillis(500);

	private ConnectionIdleness() {
	}

}
