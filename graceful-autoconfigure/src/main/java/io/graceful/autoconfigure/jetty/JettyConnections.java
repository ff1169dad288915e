package io.graceful.autoconfigure.jetty;

import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import io.graceful.autoconfigure.web.SocketInput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * What a Jetty HTTP/1.x connection holds, for the idle-connection closer and the drain.
 * <p>
 * When a request arrives on a kept-alive connection and every thread of the pool is busy,
 * Jetty's selector queues the connection's read task in the pool and nothing is read: the
 * channel has no request, the parser waits for the start of one, and the end point still
 * shows fill interest (it is cleared when the task runs). Only the socket knows: its
 * bytes wait unread. Such a connection is neither idle nor seen by any request filter.
 * <p>
 * Over TLS the connected end point carries an {@link SslConnection} and the HTTP
 * connection sits on its decrypted end point; the TLS connection's own buffers of
 * encrypted and decrypted input are private fields, read by reflection (resolved once; if
 * absent, a TLS connection is never taken for idle and is counted as holding a request
 * when it has no request in progress).
 */
final class JettyConnections {

	/** Jetty's private TLS input buffers (see {@link JettyRuntimeHints}). */
	static final String ENCRYPTED_INPUT_FIELD = "_encryptedInput";

	static final String DECRYPTED_INPUT_FIELD = "_decryptedInput";

	private static final Log logger = LogFactory.getLog(JettyConnections.class);

	private JettyConnections() {
	}

	/**
	 * The open end points of the application's Jetty server, if it runs one.
	 * @param context the application context
	 * @return the end points, none when the web server is not Jetty
	 */
	static List<EndPoint> openEndPoints(ApplicationContext context) {
		List<EndPoint> endPoints = new ArrayList<>();
		for (Connector connector : connectors(context)) {
			for (EndPoint endPoint : connector.getConnectedEndPoints()) {
				if (endPoint.isOpen()) {
					endPoints.add(endPoint);
				}
			}
		}
		return endPoints;
	}

	/**
	 * The connectors of the application's Jetty server, if it runs one.
	 * @param context the application context
	 * @return the connectors, none when the web server is not Jetty
	 */
	static List<Connector> connectors(ApplicationContext context) {
		if (!(context instanceof WebServerApplicationContext webServerContext)
				|| !(webServerContext.getWebServer() instanceof JettyWebServer jettyWebServer)) {
			return List.of();
		}
		return List.of(jettyWebServer.getServer().getConnectors());
	}

	/**
	 * The protocol connection of an end point: over TLS, the one on its decrypted end
	 * point.
	 * @param connection the end point's connection
	 * @return the protocol connection
	 */
	static Connection decrypted(Connection connection) {
		while (connection instanceof SslConnection ssl) {
			connection = ssl.getSslEndPoint().getConnection();
		}
		return connection;
	}

	/**
	 * Whether the connection of an open end point is an HTTP/1.x connection that carries
	 * no request and holds nothing of one: no unread bytes in its socket, no read task
	 * under way or queued, nothing buffered or half parsed, and, over TLS, the handshake
	 * over and no TLS input buffered.
	 * @param endPoint a connected end point
	 * @return whether it may be closed as idle
	 */
	static boolean isIdle(EndPoint endPoint) {
		if (unreadBytes(endPoint) != 0) {
			return false;
		}
		Connection connection = endPoint.getConnection();
		if (connection instanceof SslConnection ssl) {
			return ssl.getSSLEngine().getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && holdsNoInput(ssl)
					&& ssl.getSslEndPoint().isFillInterested() && isIdle(ssl.getSslEndPoint().getConnection());
		}
		return endPoint.isFillInterested() && isIdle(connection);
	}

	private static boolean isIdle(Connection connection) {
		return connection instanceof HttpConnection http && http.getHttpChannel().getRequest() == null
				&& http.getParser().isStart() && http.isRequestBufferEmpty();
	}

	/**
	 * Whether an HTTP/1.x connection holds a request that Jetty has not begun to handle:
	 * its bytes wait unread in the socket (its read task waits for a thread), or they are
	 * read but not yet a request. Connections that are closing (their response said
	 * {@code Connection: close}) do not count.
	 * @param endPoint a connected end point
	 * @return whether a request waits for a worker on it
	 */
	static boolean holdsQueuedRequest(EndPoint endPoint) {
		if (!endPoint.isOpen() || endPoint.isOutputShutdown()) {
			return false;
		}
		Connection connection = endPoint.getConnection();
		boolean tlsInput = false;
		if (connection instanceof SslConnection ssl) {
			tlsInput = !holdsNoInput(ssl);
			connection = ssl.getSslEndPoint().getConnection();
		}
		if (!(connection instanceof HttpConnection http) || http.getHttpChannel().getRequest() != null) {
			return false;
		}
		HttpParser parser = http.getParser();
		if (parser.isClose() || parser.isClosed()) {
			return false;
		}
		return unreadBytes(endPoint) != 0 || tlsInput || !http.isRequestBufferEmpty() || !parser.isStart();
	}

	/**
	 * @return the bytes unread in the end point's socket, or {@link SocketInput#UNKNOWN}
	 */
	private static int unreadBytes(EndPoint endPoint) {
		if (endPoint.getTransport() instanceof SocketChannel channel) {
			return SocketInput.unreadBytes(channel);
		}
		return SocketInput.UNKNOWN;
	}

	private static boolean holdsNoInput(SslConnection ssl) {
		Field encrypted = TlsInput.ENCRYPTED;
		Field decrypted = TlsInput.DECRYPTED;
		return encrypted != null && decrypted != null && isEmpty(encrypted, ssl) && isEmpty(decrypted, ssl);
	}

	private static boolean isEmpty(Field field, SslConnection ssl) {
		return !(ReflectionUtils.getField(field, ssl) instanceof RetainableByteBuffer buffer) || !buffer.hasRemaining();
	}

	/**
	 * A private input buffer of a class, made accessible, or {@code null} (logged) when
	 * this Jetty version has none.
	 * @param type the class
	 * @param name the field's name
	 * @return the field or {@code null}
	 */
	static @Nullable Field findInputBuffer(Class<?> type, String name) {
		Field field = ReflectionUtils.findField(type, name, RetainableByteBuffer.class);
		if (field == null) {
			logger.warn("This Jetty version has no " + type.getSimpleName() + "." + name + " buffer: idle TLS "
					+ "connections will not be closed at the end of withdraw, and a TLS connection without a request "
					+ "in progress counts as holding a queued request");
			return null;
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	/**
	 * The TLS connection's private input buffers, looked up once, on first use (Jetty has
	 * no accessor for them).
	 */
	private static final class TlsInput {

		static final @Nullable Field ENCRYPTED = findInputBuffer(SslConnection.class, ENCRYPTED_INPUT_FIELD);

		static final @Nullable Field DECRYPTED = findInputBuffer(SslConnection.class, DECRYPTED_INPUT_FIELD);

	}

}
