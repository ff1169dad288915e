package io.graceful.autoconfigure.tomcat;

import io.graceful.autoconfigure.withdraw.ListeningSocketCloser;

/**
 * Closes the listening sockets of the application's Tomcat connectors, as Tomcat's own
 * graceful shutdown does at its start, without pausing them.
 */
class TomcatListeningSocketCloser implements ListeningSocketCloser {

	private final TomcatConnections connections;

	TomcatListeningSocketCloser(TomcatConnections connections) {
		this.connections = connections;
	}

	@Override
	public void closeListeningSockets() {
		this.connections.stopAccepting();
	}

}
