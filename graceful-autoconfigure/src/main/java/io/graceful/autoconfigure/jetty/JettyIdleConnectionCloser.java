package io.graceful.autoconfigure.jetty;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.io.ssl.SslConnection;

import org.springframework.context.ApplicationContext;

/**
 * Closes Jetty's idle HTTP/1.x keep-alive connections. A connection is idle when it had
 * no I/O for {@link IdleConnectionCloser#MIN_QUIET} and holds nothing of a request (see
 * {@link JettyConnections#isIdle}): in particular a connection whose request waits unread
 * for a thread of a saturated pool is not idle, although Jetty shows it like one. Other
 * connections (HTTP/2, upgraded) are left alone.
 * <p>
 * Over TLS the connection is closed through its decrypted end point, so the client gets a
 * TLS close_notify before the end of TCP, as Tomcat and Reactor Netty send.
 */
class JettyIdleConnectionCloser implements IdleConnectionCloser {

	private final ApplicationContext context;

	JettyIdleConnectionCloser(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int closeIdleConnections() {
		int closed = 0;
		for (EndPoint endPoint : JettyConnections.openEndPoints(this.context)) {
			if (quietLongEnough(endPoint) && JettyConnections.isIdle(endPoint)) {
				if (endPoint.getConnection() instanceof SslConnection ssl) {
					ssl.getSslEndPoint().close();
				}
				endPoint.close();
				closed++;
			}
		}
		return closed;
	}

	@Override
	public int countIdleConnections() {
		int idle = 0;
		for (EndPoint endPoint : JettyConnections.openEndPoints(this.context)) {
			if (!endPoint.isOutputShutdown() && JettyConnections.isIdle(endPoint)) {
				idle++;
			}
		}
		return idle;
	}

	private static boolean quietLongEnough(EndPoint endPoint) {
		return !(endPoint instanceof IdleTimeout idleTimeout) || idleTimeout.getIdleFor() >= MIN_QUIET.toMillis();
	}

}
