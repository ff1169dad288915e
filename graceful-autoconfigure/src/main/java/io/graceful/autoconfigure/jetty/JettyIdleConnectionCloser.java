package io.graceful.autoconfigure.jetty;

import java.lang.reflect.Field;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.internal.HttpConnection;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * Closes Jetty's idle HTTP/1.x keep-alive connections. A connection is idle when it had
 * no I/O for {@link IdleConnectionCloser#MIN_QUIET}, its channel holds no request (read
 * under the channel's lock), its parser waits for the start of a request and no unparsed
 * bytes are buffered. Other connections (HTTP/2, upgraded) are left alone.
 * <p>
 * Over TLS the connected end point carries an {@link SslConnection} and the HTTP
 * connection sits on its decrypted end point: idleness is decided there, and in addition
 * the TLS handshake must be over and the TLS connection must hold no encrypted or
 * decrypted input not yet handed to HTTP (read from its private buffers, as Jetty has no
 * accessor for them; if they cannot be read, TLS connections are left open). Such a
 * connection is closed through its decrypted end point, so the client gets a TLS
 * close_notify before the end of TCP, as Tomcat and Reactor Netty send.
 */
class JettyIdleConnectionCloser implements IdleConnectionCloser {

	private static final Field ENCRYPTED_INPUT = findSslInputField("_encryptedInput");

	private static final Field DECRYPTED_INPUT = findSslInputField("_decryptedInput");

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
					if (endPoint.getConnection() instanceof SslConnection ssl) {
						ssl.getSslEndPoint().close();
					}
					endPoint.close();
					closed++;
				}
			}
		}
		return closed;
	}

	private static boolean quietLongEnough(EndPoint endPoint) {
		return !(endPoint instanceof IdleTimeout idleTimeout) || idleTimeout.getIdleFor() >= MIN_QUIET.toMillis();
	}

	private static boolean isIdle(Connection connection) {
		if (connection instanceof SslConnection ssl) {
			return ssl.getSSLEngine().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && holdsNoInput(ssl)
					&& isIdle(ssl.getSslEndPoint().getConnection());
		}
		return connection instanceof HttpConnection http && http.getHttpChannel().getRequest() == null
				&& http.getParser().isStart() && http.isRequestBufferEmpty();
	}

	private static boolean holdsNoInput(SslConnection ssl) {
		return ENCRYPTED_INPUT != null && DECRYPTED_INPUT != null && isEmpty(ENCRYPTED_INPUT, ssl)
				&& isEmpty(DECRYPTED_INPUT, ssl);
	}

	private static boolean isEmpty(Field field, SslConnection ssl) {
		return !(ReflectionUtils.getField(field, ssl) instanceof RetainableByteBuffer buffer) || !buffer.hasRemaining();
	}

	private static Field findSslInputField(String name) {
		Field field = ReflectionUtils.findField(SslConnection.class, name, RetainableByteBuffer.class);
		if (field != null) {
			ReflectionUtils.makeAccessible(field);
		}
		return field;
	}

}
