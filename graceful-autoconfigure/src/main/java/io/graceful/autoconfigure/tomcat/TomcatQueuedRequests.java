package io.graceful.autoconfigure.tomcat;

/**
 * Tomcat's requests waiting for a worker thread: connections no thread is processing,
 * with no processor attached, that hold unread bytes. Once Tomcat's connector is paused,
 * a worker that picks up such a connection skips its request and closes it without a
 * response. Used by {@link TomcatConnections}, and loaded only when the drain counts.
 */
final class TomcatQueuedRequests {

	private TomcatQueuedRequests() {
	}

	/**
	 * Count the requests waiting for a worker thread.
	 * @param connections Tomcat's connections
	 * @return the count
	 */
	static int count(TomcatConnections connections) {
		return connections.visitUnlocked((connection) -> connection.getCurrentProcessor() == null
				&& TomcatConnections.hasUnreadBytes(connection));
	}

}
