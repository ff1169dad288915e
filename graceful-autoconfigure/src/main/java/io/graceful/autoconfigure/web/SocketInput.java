package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * For the server packages: how many bytes a connection's socket holds that the server has
 * not read: a request sent on a kept-alive connection while the server has no thread free
 * to read it. Asked through the socket's input stream, whose {@code available()} the JDK
 * answers from the kernel ({@code FIONREAD}) without reading, also for a channel in
 * non-blocking mode.
 *
 * @since 0.1.0
 */
public final class SocketInput {

	/** The answer when the socket cannot tell. */
	public static final int UNKNOWN = -1;

	private static final Log logger = LogFactory.getLog(SocketInput.class);

	private static volatile boolean warned;

	private SocketInput() {
	}

	/**
	 * The bytes waiting in the socket.
	 * @param channel the connection's channel
	 * @return how many bytes wait unread, 0 for a closed channel, or {@link #UNKNOWN}
	 */
	public static int unreadBytes(SocketChannel channel) {
		if (!channel.isOpen() || !channel.isConnected()) {
			return 0;
		}
		try {
			return channel.socket().getInputStream().available();
		}
		catch (IOException ex) {
			// closed, or input shut down: nothing more will be read from it
			return 0;
		}
		catch (RuntimeException ex) {
			if (!warned) {
				warned = true;
				logger.warn("Cannot tell whether a connection holds unread bytes (" + ex
						+ "); connections are treated as holding a request");
			}
			return UNKNOWN;
		}
	}

}
