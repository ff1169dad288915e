package io.graceful.autoconfigure.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;

import io.graceful.autoconfigure.core.AcceptGate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.net.NioEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat's NIO endpoint, with three changes for a hand-over of the port:
 * <ul>
 * <li>its listening socket is bound with {@code SO_REUSEPORT} (Tomcat has no attribute
 * for it, and keeps the socket in a private field, which
 * {@link TomcatConnections#setServerSocket} sets);</li>
 * <li>with a gate ({@link #holdAcceptsUntil}), the socket is bound only when the
 * application is ready, as the gate opens: until then the kernel sends every new
 * connection to the predecessor that shares the port, none waits for an application whose
 * runners have not run, and a successor that fails before it is ready never had a
 * connection (Spring Boot reports the port as -1 until then: Tomcat reads it from the
 * bound socket);</li>
 * <li>when Tomcat stops accepting, the listening socket is closed at once instead of
 * waking the acceptor with a connection to its own port: with {@code SO_REUSEPORT} that
 * connection may reach the successor, leaving the acceptor to take, and drop, the next
 * client's connection.</li>
 * </ul>
 */
class ReusePortNioEndpoint extends NioEndpoint {

	private static final Log logger = LogFactory.getLog(ReusePortNioEndpoint.class);

	private volatile @Nullable CountDownLatch held;

	private volatile boolean reusePort;

	private volatile boolean listenerClosed;

	private volatile @Nullable ServerSocketChannel unbound;

	/**
	 * Hold the acceptor until the gate opens (or the listener closes).
	 * @param gate the gate
	 */
	void holdAcceptsUntil(AcceptGate gate) {
		CountDownLatch latch = new CountDownLatch(1);
		this.held = latch;
		gate.whenOpen(() -> {
			bindBeforeReadinessIsReported();
			latch.countDown();
		});
	}

	/**
	 * Bind on the thread that opens the gate, before anything learns that the application
	 * is ready (a predecessor waiting to hand over, a balancer reading the readiness
	 * probe): binding on the acceptor thread came moments later.
	 */
	private void bindBeforeReadinessIsReported() {
		try {
			bindHeldSocket();
		}
		catch (IOException | RuntimeException ex) {
			// the acceptor binds again, and Tomcat reports the failure there
			logger.debug("Hand-over: binding port " + getPortWithOffset() + " failed; the acceptor tries again", ex);
		}
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (getUseInheritedChannel() || getUnixDomainSocketPath() != null) {
			super.initServerSocket();
			return;
		}
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			getSocketProperties().setProperties(channel.socket());
			if (this.held == null) {
				channel.bind(bindAddress(), getAcceptCount());
			}
			else {
				logger.info("Hand-over: port " + getPortWithOffset() + " is bound with SO_REUSEPORT once the "
						+ "application is ready (Tomcat reports it as -1 until then; "
						+ "a port held by a socket that does not share it fails only then)");
			}
			channel.configureBlocking(true);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		if (!TomcatConnections.setServerSocket(this, channel)) {
			channel.close();
			super.initServerSocket();
			return;
		}
		this.reusePort = true;
		this.listenerClosed = false;
		this.unbound = (this.held != null) ? channel : null;
	}

	private InetSocketAddress bindAddress() {
		return new InetSocketAddress(getAddress(), getPortWithOffset());
	}

	/**
	 * Bind the socket held back until the application was ready.
	 */
	private synchronized void bindHeldSocket() throws IOException {
		ServerSocketChannel channel = this.unbound;
		if (channel != null && !this.listenerClosed) {
			channel.bind(bindAddress(), getAcceptCount());
			this.unbound = null;
			logger
				.info("Hand-over: the application is ready; port " + getPortWithOffset() + " bound with SO_REUSEPORT");
		}
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		CountDownLatch latch = this.held;
		if (latch != null) {
			latch.await();
		}
		if (this.listenerClosed) {
			return placeholder();
		}
		try {
			bindHeldSocket();
			return super.serverSocketAccept();
		}
		catch (IOException | RuntimeException ex) {
			if (this.listenerClosed) {
				return placeholder();
			}
			throw ex;
		}
	}

	/**
	 * What the acceptor gets once the listener is closed under it: an unconnected
	 * channel, which the stopping (or paused) acceptor destroys, instead of an exception,
	 * which it would log as an error although nothing failed.
	 */
	private static SocketChannel placeholder() throws IOException {
		return SocketChannel.open();
	}

	@Override
	protected void unlockAccept() {
		if (!this.reusePort) {
			super.unlockAccept();
			return;
		}
		try {
			synchronized (this) {
				this.listenerClosed = true;
			}
			doCloseServerSocket();
		}
		catch (IOException ex) {
			// closing is best effort, as in Tomcat's own unbind
		}
		CountDownLatch latch = this.held;
		if (latch != null) {
			latch.countDown();
		}
	}

}
