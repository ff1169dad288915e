package io.graceful.autoconfigure.tomcat;

import io.graceful.autoconfigure.web.QueuedRequests;

/**
 * Tomcat's requests waiting for a worker thread: connections no thread is processing,
 * with no processor attached, that hold unread bytes. Once Tomcat's connector is paused,
 * a worker that picks up such a connection skips its request and closes it without a
 * response.
 */
final class TomcatQueuedRequests implements QueuedRequests {

	private final TomcatConnections connections;

	TomcatQueuedRequests(TomcatConnections connections) {
		this.connections = connections;
	}

	@Override
	public int count() {
		return this.connections.visitUnlocked((connection) -> connection.getCurrentProcessor() == null
				&& TomcatConnections.hasUnreadBytes(connection));
	}

	@Override
	public void stopAccepting() {
		this.connections.stopAccepting();
	}

}
