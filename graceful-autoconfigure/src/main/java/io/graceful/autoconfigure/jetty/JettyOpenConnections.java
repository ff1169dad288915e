package io.graceful.autoconfigure.jetty;

import java.util.Set;

import io.graceful.autoconfigure.withdraw.OpenConnections;
import org.eclipse.jetty.io.EndPoint;

import org.springframework.context.ApplicationContext;

/**
 * The open end points of every connector of the application's Jetty server. An end point
 * whose output is shut has sent its last response ({@code Connection: close}) and only
 * waits for the client to close: it no longer counts.
 */
class JettyOpenConnections implements OpenConnections {

	private final ApplicationContext context;

	JettyOpenConnections(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void collect(Set<Object> connections) {
		for (EndPoint endPoint : JettyConnections.openEndPoints(this.context)) {
			if (!endPoint.isOutputShutdown()) {
				connections.add(endPoint);
			}
		}
	}

}
