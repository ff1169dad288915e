package io.graceful.autoconfigure.web;

/**
 * Requests a web server holds that the request filters have not seen yet: they reached
 * the server and wait for a worker thread, read or not yet read. The web drain waits for
 * them before it lets the server's own drain pause it, because a paused server may close
 * such a connection without a response; what is still queued at the end of the drain is
 * reported as cut.
 *
 * @since 0.1.0
 */
public interface QueuedRequests {

	/**
	 * Requests waiting for a worker thread now, as far as the server can tell.
	 * @return the count
	 */
	int count();

	/**
	 * Stop accepting new connections, ahead of the server's own drain (which would do it
	 * next), so that the wait for queued requests is not prolonged by new ones.
	 */
	default void stopAccepting() {
	}

}
