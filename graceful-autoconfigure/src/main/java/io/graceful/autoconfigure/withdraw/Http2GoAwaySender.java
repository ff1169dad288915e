package io.graceful.autoconfigure.withdraw;

/**
 * Sends a graceful GOAWAY (error {@code NO_ERROR}) on the open HTTP/2 connections of a
 * web server: the HTTP/2 counterpart of {@code Connection: close}. Streams in progress
 * finish and are answered normally; the client opens its next stream on a new connection,
 * which the load balancer may route elsewhere. Called when withdraw starts and again at
 * its end, while the server still listens. It does no work per request.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Http2GoAwaySender {

	/**
	 * Send a graceful GOAWAY on every open HTTP/2 connection that has not had one from
	 * this sender yet.
	 * @return how many connections got one now
	 */
	int sendGoAway();

}
