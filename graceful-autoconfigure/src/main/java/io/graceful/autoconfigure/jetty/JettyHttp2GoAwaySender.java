package io.graceful.autoconfigure.jetty;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;

import org.springframework.context.ApplicationContext;

/**
 * Sends GOAWAY on Jetty's HTTP/2 connections the way Jetty does itself on a graceful
 * stop: {@code HTTP2Session.shutdown()} on the session of each connected end point. That
 * is Jetty's two-step graceful GOAWAY, with one difference from the PING-timed one: a
 * first frame with last stream id 2^31-1 (NO_ERROR), so streams racing it are still
 * processed; Jetty sends the second, with the real last stream id, as soon as the
 * connection has no stream in progress (at once on an idle connection), not after a round
 * trip. Over TLS the connected end point carries an {@link SslConnection}; the HTTP/2
 * connection (chosen by ALPN) sits on its decrypted end point. The session container of
 * the connection factory is left alone, so Jetty's own shutdown at drain works as before.
 */
class JettyHttp2GoAwaySender implements Http2GoAwaySender {

	private final ApplicationContext context;

	private final Set<HTTP2Session> shutDown = Collections.newSetFromMap(new WeakHashMap<>());

	JettyHttp2GoAwaySender(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int sendGoAway() {
		int sent = 0;
		for (EndPoint endPoint : JettyConnections.openEndPoints(this.context)) {
			if (JettyConnections.decrypted(endPoint.getConnection()) instanceof HTTP2Connection http2
					&& markShutDown(http2.getSession())) {
				http2.getSession().shutdown();
				sent++;
			}
		}
		return sent;
	}

	private synchronized boolean markShutDown(HTTP2Session session) {
		return this.shutDown.add(session);
	}

}
