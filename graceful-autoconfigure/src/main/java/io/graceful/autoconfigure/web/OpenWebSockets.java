package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.graceful.autoconfigure.core.Durations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * WebSocket sessions that are open. When the drain starts each is sent a close frame with
 * status 1001 (going away) and a reason, so that clients reconnect to another instance
 * instead of holding a connection to this one; a session still open after a bound is
 * aborted and named.
 *
 * @since 0.1.0
 */
public final class OpenWebSockets {

	/**
	 * The reason sent with the 1001 close frame (at most 123 bytes by RFC 6455).
	 */
	public static final String CLOSE_REASON = "Server shutting down, reconnect";

	private static final Log logger = LogFactory.getLog(OpenWebSockets.class);

	private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

	private volatile boolean closing;

	/**
	 * Register an open session.
	 * @param path the path the session was opened on (no query string)
	 * @param closer sends the close frame with status 1001 and the given reason
	 * @param aborter drops the session without waiting for the client, or {@code null}
	 * when the server offers no way to (the server's stop then closes it)
	 * @return a handle to close when the session has ended
	 */
	public Registration register(String path, Consumer<String> closer, Runnable aborter) {
		Session session = new Session(path, closer, aborter);
		this.sessions.add(session);
		if (this.closing) {
			session.sendClose();
		}
		return session;
	}

	/**
	 * Send 1001 to every open session, and to any session opened from now on.
	 * @return how many sessions were sent a close frame
	 */
	public int closeAll() {
		this.closing = true;
		int closed = 0;
		for (Session session : Set.copyOf(this.sessions)) {
			if (session.sendClose()) {
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Abort the sessions that are still open.
	 * @return the sessions that were still open, each as path and age
	 */
	public List<String> abortOpen() {
		List<String> names = new ArrayList<>();
		for (Session session : Set.copyOf(this.sessions)) {
			names.add(session.abort());
		}
		return names;
	}

	public int count() {
		return this.sessions.size();
	}

	/**
	 * Handle of a registered session.
	 */
	public interface Registration {

		/**
		 * The session has ended.
		 */
		void close();

	}

	private final class Session implements Registration {

		private final String path;

		private final long openedNanos = System.nanoTime();

		private final Consumer<String> closer;

		private final Runnable aborter;

		private volatile boolean closeSent;

		private Session(String path, Consumer<String> closer, Runnable aborter) {
			this.path = path;
			this.closer = closer;
			this.aborter = aborter;
		}

		synchronized boolean sendClose() {
			if (this.closeSent || !OpenWebSockets.this.sessions.contains(this)) {
				return false;
			}
			this.closeSent = true;
			try {
				this.closer.accept(CLOSE_REASON);
			}
			catch (Exception ex) {
				logger.debug("Sending close 1001 to the WebSocket session on " + this.path + " failed", ex);
			}
			return true;
		}

		String abort() {
			String name = "WebSocket " + this.path + " ("
					+ Durations.format(Duration.ofMillis((System.nanoTime() - this.openedNanos) / 1_000_000)) + ")";
			if (this.aborter != null && OpenWebSockets.this.sessions.remove(this)) {
				try {
					this.aborter.run();
				}
				catch (Exception ex) {
					logger.debug("Aborting the WebSocket session on " + this.path + " failed", ex);
				}
			}
			return name;
		}

		@Override
		public void close() {
			OpenWebSockets.this.sessions.remove(this);
		}

	}

}
