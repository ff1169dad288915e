package io.graceful.autoconfigure.tomcat;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Closes Tomcat's idle keep-alive connections. A connection is idle when no processor is
 * attached while its lock is held (Tomcat takes that lock to process a connection and
 * clears the processor during processing too, so a missing processor alone proves
 * nothing), no unread byte waits on it (a request queued for a worker thread, or not yet
 * seen by the poller, has its bytes still unread), and it had no I/O for
 * {@link IdleConnectionCloser#MIN_QUIET}. Used by {@link TomcatConnections}, and loaded
 * only when withdraw closes connections.
 */
final class TomcatIdleConnectionCloser {

	private TomcatIdleConnectionCloser() {
	}

	/**
	 * Close the idle connections.
	 * @param connections Tomcat's connections
	 * @return how many were closed
	 */
	static int closeIdleConnections(TomcatConnections connections) {
		long quietSince = System.currentTimeMillis() - IdleConnectionCloser.MIN_QUIET.toMillis();
		return connections.visitUnlocked((connection) -> {
			if (connection.getCurrentProcessor() == null && quietSince(connection, quietSince)
					&& !TomcatConnections.hasUnreadBytes(connection)) {
				connection.close();
				return true;
			}
			return false;
		});
	}

	/**
	 * Count the connections that would be idle but for their recent I/O.
	 * @param connections Tomcat's connections
	 * @return how many
	 */
	static int countIdleConnections(TomcatConnections connections) {
		return connections.visitUnlocked((connection) -> connection.getCurrentProcessor() == null
				&& !TomcatConnections.hasUnreadBytes(connection));
	}

	private static boolean quietSince(SocketWrapperBase<?> connection, long quietSince) {
		return !(connection instanceof NioEndpoint.NioSocketWrapper nio)
				|| Math.max(nio.getLastRead(), nio.getLastWrite()) <= quietSince;
	}

}
