package io.graceful.autoconfigure.jetty;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.graceful.autoconfigure.web.QueuedRequests;
import io.graceful.autoconfigure.web.SocketInput;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyServerCustomizer;

/**
 * The requests Jetty holds that it has not begun to handle. When every thread of its pool
 * is busy, both wait in the pool's queue, unread:
 * <ul>
 * <li>a request on a kept-alive HTTP/1.x connection, whose read task is queued (see
 * {@link JettyConnections#holdsQueuedRequest});</li>
 * <li>a request on a new connection, whose accept task (which creates the connection's
 * end point) is queued: such connections are followed through the selector manager's
 * {@link SelectorManager.AcceptListener accept events}, and count when their socket holds
 * unread bytes.</li>
 * </ul>
 * They must be served before the drain pauses Jetty: Spring Boot's graceful shutdown
 * counts only requests in Jetty's handlers, shutting the connector down lowers every
 * connection's idle timeout to 1s, which closes a kept-alive connection with its request
 * unread, and stopping the pool closes the tasks still queued: each a connection closed
 * without a response. HTTP/2 streams are not counted.
 */
class JettyQueuedRequests implements QueuedRequests, JettyServerCustomizer {

	private final Set<Server> servers = ConcurrentHashMap.newKeySet();

	private final Set<SelectableChannel> accepting = ConcurrentHashMap.newKeySet();

	private final SelectorManager.AcceptListener acceptListener = new SelectorManager.AcceptListener() {

		@Override
		public void onAccepting(SelectableChannel channel) {
			JettyQueuedRequests.this.accepting.add(channel);
		}

		@Override
		public void onAccepted(SelectableChannel channel) {
			JettyQueuedRequests.this.accepting.remove(channel);
		}

		@Override
		public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
			JettyQueuedRequests.this.accepting.remove(channel);
		}

	};

	@Override
	public void customize(Server server) {
		this.servers.add(server);
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.getSelectorManager().addEventListener(this.acceptListener);
			}
		}
	}

	@Override
	public int count() {
		int queued = 0;
		for (SelectableChannel channel : this.accepting) {
			if (!(channel instanceof SocketChannel socket) || SocketInput.unreadBytes(socket) != 0) {
				queued++;
			}
		}
		for (Server server : this.servers) {
			for (Connector connector : server.getConnectors()) {
				for (EndPoint endPoint : connector.getConnectedEndPoints()) {
					if (JettyConnections.holdsQueuedRequest(endPoint)) {
						queued++;
					}
				}
			}
		}
		return queued;
	}

}
