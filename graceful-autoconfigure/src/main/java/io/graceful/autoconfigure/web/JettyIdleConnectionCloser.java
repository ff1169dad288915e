package io.graceful.autoconfigure.web;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.internal.HttpConnection;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * Closes Jetty's idle HTTP/1.x keep-alive connections. A connection is idle when it had no
 * I/O for {@link ConnectionIdleness#MIN_QUIET}, its channel holds no request (read under the
 * channel's lock), its parser waits for the start of a request and no unparsed bytes are
 * buffered. Other connections (HTTP/2, upgraded) are left alone.
 */
class JettyIdleConnectionCloser implements IdleConnectionCloser {

	private final ApplicationContext context;

	JettyIdleConnectionCloser(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int closeIdleConnections() {
		if (!(this.context instanceof WebServerApplicationContext webServerContext)) {
			return 0;
		}
		WebServer webServer = webServerContext.getWebServer();
		if (!(webServer instanceof JettyWebServer jettyWebServer)) {
			return 0;
		}
		int closed = 0;
		for (Connector connector : jettyWebServer.getServer().getConnectors()) {
			for (EndPoint endPoint : connector.getConnectedEndPoints()) {
				if (endPoint.isOpen() && quietLongEnough(endPoint) && isIdle(endPoint.getConnection())) {
					endPoint.close();
					closed++;
				}
			}
		}
		return closed;
	}

	private static boolean quietLongEnough(EndPoint endPoint) {
		return !(endPoint instanceof IdleTimeout idleTimeout)
				|| idleTimeout.getIdleFor() >= ConnectionIdleness.MIN_QUIET.toMillis();
	}

	private static boolean isIdle(Connection connection) {
		return connection instanceof HttpConnection http && http.getHttpChannel().getRequest() == null
				&& http.getParser().isStart() && http.isRequestBufferEmpty();
	}

}
