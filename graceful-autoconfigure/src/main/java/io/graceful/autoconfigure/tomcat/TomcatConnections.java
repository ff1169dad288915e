package io.graceful.autoconfigure.tomcat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import io.graceful.autoconfigure.web.QueuedRequests;
import io.graceful.autoconfigure.web.SocketInput;
import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import io.graceful.autoconfigure.withdraw.ListeningSocketCloser;
import io.graceful.autoconfigure.withdraw.OpenConnections;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * The one place that reaches into Tomcat's connections: the endpoint of each connector
 * (through the protected {@code AbstractProtocol.getEndpoint()}, looked up once, lazily;
 * a Tomcat without it loses the features that need it, with one warning), each connection
 * visited under its own lock, and whether a connection holds bytes nobody has read yet.
 * <p>
 * It is also Tomcat's part of withdraw and drain, as one bean: the idle-connection closer
 * and the HTTP/2 GOAWAY sender of withdraw, its listening-socket closer (for a
 * hand-over), and the count of queued requests of the web drain. What does the work
 * ({@link TomcatIdleConnectionCloser}, {@link TomcatHttp2GoAwaySender},
 * {@link TomcatQueuedRequests}) is loaded when a shutdown first needs it, not at startup.
 */
final class TomcatConnections
		implements IdleConnectionCloser, Http2GoAwaySender, QueuedRequests, OpenConnections, ListeningSocketCloser {

	/**
	 * The protected method of Tomcat's protocol handler (see {@link TomcatRuntimeHints}).
	 */
	static final String GET_ENDPOINT = "getEndpoint";

	private static final Log logger = LogFactory.getLog(TomcatConnections.class);

	private static final Object NOT_RESOLVED = new Object();

	private static final long BUSY_RETRY_NANOS = Duration.ofMillis(5).toNanos();

	private static volatile Object getEndpoint = NOT_RESOLVED;

	private static volatile Object serverSock = NOT_RESOLVED;

	private final ApplicationContext context;

	// typed Object so that Tomcat's HTTP/2 internals load at the first GOAWAY, not when
	// Spring introspects this bean
	private @Nullable Object goAwaySender;

	TomcatConnections(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int closeIdleConnections() {
		return TomcatIdleConnectionCloser.closeIdleConnections(this);
	}

	@Override
	public int countIdleConnections() {
		return TomcatIdleConnectionCloser.countIdleConnections(this);
	}

	@Override
	public int sendGoAway() {
		TomcatHttp2GoAwaySender sender;
		synchronized (this) {
			sender = (TomcatHttp2GoAwaySender) this.goAwaySender;
			if (sender == null) {
				sender = new TomcatHttp2GoAwaySender(this);
				this.goAwaySender = sender;
			}
		}
		return sender.sendGoAway();
	}

	@Override
	public void collect(Set<Object> connections) {
		for (AbstractEndpoint<?, ?> endpoint : endpoints()) {
			connections.addAll(endpoint.getConnections());
		}
	}

	@Override
	public int count() {
		return TomcatQueuedRequests.count(this);
	}

	/**
	 * Visit every open connection that no thread is processing right now (its lock is
	 * free), with its lock held, so Tomcat cannot start processing it meanwhile.
	 * @param action what to do; returns whether it counts
	 * @return how many connections the action counted
	 */
	int visitUnlocked(Predicate<SocketWrapperBase<?>> action) {
		return visitUnlocked(action, Duration.ZERO);
	}

	/**
	 * Visit every open connection as {@link #visitUnlocked(Predicate)} does, and retry
	 * the connections a thread was processing for a short while, every few milliseconds:
	 * an HTTP/2 connection's lock is held only while its frames are read, so it is
	 * usually free again within milliseconds.
	 * @param action what to do; returns whether it counts
	 * @param retryBusyFor how long to keep retrying busy connections
	 * @return how many connections the action counted
	 */
	int visitUnlocked(Predicate<SocketWrapperBase<?>> action, Duration retryBusyFor) {
		List<SocketWrapperBase<?>> pending = new ArrayList<>();
		for (AbstractEndpoint<?, ?> endpoint : endpoints()) {
			pending.addAll(endpoint.getConnections());
		}
		long deadline = System.nanoTime() + retryBusyFor.toNanos();
		int counted = 0;
		while (true) {
			List<SocketWrapperBase<?>> busy = new ArrayList<>();
			for (SocketWrapperBase<?> connection : pending) {
				ReentrantLock lock = connection.getLock();
				if (lock.tryLock()) {
					try {
						if (!connection.isClosed() && action.test(connection)) {
							counted++;
						}
					}
					finally {
						lock.unlock();
					}
				}
				else {
					busy.add(connection);
				}
			}
			if (busy.isEmpty() || System.nanoTime() - deadline >= 0) {
				return counted;
			}
			pending = busy;
			LockSupport.parkNanos(BUSY_RETRY_NANOS);
		}
	}

	@Override
	public void closeListeningSockets() {
		stopAccepting();
	}

	/**
	 * Close the listening sockets, as Tomcat's own graceful shutdown does at its start,
	 * without pausing: connections already accepted are still processed.
	 */
	@Override
	public void stopAccepting() {
		for (Connector connector : connectors()) {
			connector.getProtocolHandler().closeServerSocketGraceful();
		}
	}

	/**
	 * Whether bytes wait on the connection that no request has read: in Tomcat's read
	 * buffer, or in the socket's receive buffer in the kernel (a request the poller has
	 * seen and queued for a worker, or one it has not seen yet).
	 * @param connection a connection whose lock the caller holds
	 * @return whether there is unread input
	 */
	static boolean hasUnreadBytes(SocketWrapperBase<?> connection) {
		SocketBufferHandler buffers = connection.getSocketBufferHandler();
		if (buffers != null && !buffers.isReadBufferEmpty()) {
			return true;
		}
		if (connection.getSocket() instanceof NioChannel channel && channel.getIOChannel() != null) {
			return SocketInput.unreadBytes(channel.getIOChannel()) != 0;
		}
		return true;
	}

	private List<Connector> connectors() {
		if (!(this.context instanceof WebServerApplicationContext webServerContext)) {
			return List.of();
		}
		WebServer webServer = webServerContext.getWebServer();
		if (!(webServer instanceof TomcatWebServer tomcatWebServer)) {
			return List.of();
		}
		return List.of(tomcatWebServer.getTomcat().getService().findConnectors());
	}

	private List<AbstractEndpoint<?, ?>> endpoints() {
		List<AbstractEndpoint<?, ?>> endpoints = new ArrayList<>();
		for (Connector connector : connectors()) {
			ProtocolHandler handler = connector.getProtocolHandler();
			Method method = getEndpointMethod();
			if (method != null && handler instanceof AbstractProtocol<?> protocol
					&& ReflectionUtils.invokeMethod(method, protocol) instanceof AbstractEndpoint<?, ?> endpoint) {
				endpoints.add(endpoint);
			}
		}
		return endpoints;
	}

	/**
	 * Set the private listening socket of an NIO endpoint, which Tomcat offers no way to
	 * bind with {@code SO_REUSEPORT}.
	 * @param endpoint the endpoint
	 * @param channel the bound listening socket
	 * @return whether it was set; {@code false} when this Tomcat version has no such
	 * field (logged once)
	 */
	static boolean setServerSocket(NioEndpoint endpoint, ServerSocketChannel channel) {
		Object resolved = serverSock;
		if (resolved == NOT_RESOLVED) {
			synchronized (TomcatConnections.class) {
				resolved = serverSock;
				if (resolved == NOT_RESOLVED) {
					resolved = resolveServerSock(NioEndpoint.class, "serverSock");
					serverSock = resolved;
				}
			}
		}
		if (!(resolved instanceof Field field)) {
			return false;
		}
		ReflectionUtils.setField(field, endpoint, channel);
		return true;
	}

	/**
	 * Look the listening socket field up on an endpoint class.
	 * @param endpointClass the endpoint class
	 * @param name the field's name
	 * @return the field, made accessible, or a marker that it is missing (logged)
	 */
	static Object resolveServerSock(Class<?> endpointClass, String name) {
		Field field = ReflectionUtils.findField(endpointClass, name, ServerSocketChannel.class);
		if (field == null) {
			logger.warn("This Tomcat version has no " + endpointClass.getSimpleName() + "." + name
					+ " field: the port is bound without SO_REUSEPORT, so graceful.handover.enabled has no effect "
					+ "and a successor fails to bind it");
			return new Object();
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

	/**
	 * Tomcat's {@code AbstractProtocol.getEndpoint()}, or {@code null} when this Tomcat
	 * version has none (logged once).
	 * @return the method or {@code null}
	 */
	static @Nullable Method getEndpointMethod() {
		Object resolved = getEndpoint;
		if (resolved == NOT_RESOLVED) {
			synchronized (TomcatConnections.class) {
				resolved = getEndpoint;
				if (resolved == NOT_RESOLVED) {
					resolved = resolveGetEndpoint(AbstractProtocol.class, GET_ENDPOINT);
					getEndpoint = resolved;
				}
			}
		}
		return (resolved instanceof Method method) ? method : null;
	}

	/**
	 * Look the endpoint accessor up among the methods a protocol class declares (the one
	 * reflective access the runtime hints register: no search of its supertypes).
	 * @param protocolClass the protocol class
	 * @param name the accessor's name
	 * @return the method, made accessible, or a marker that it is missing (logged)
	 */
	static Object resolveGetEndpoint(Class<?> protocolClass, String name) {
		Method method = declaredMethod(protocolClass, name);
		if (method == null || !AbstractEndpoint.class.isAssignableFrom(method.getReturnType())) {
			logger.warn("This Tomcat version has no " + protocolClass.getSimpleName() + "." + name
					+ "(): idle keep-alive connections "
					+ "will not be closed at the end of withdraw, HTTP/2 connections get no GOAWAY before the drain, "
					+ "and requests queued for a worker thread are not waited for");
			return new Object();
		}
		ReflectionUtils.makeAccessible(method);
		return method;
	}

	private static @Nullable Method declaredMethod(Class<?> type, String name) {
		try {
			return type.getDeclaredMethod(name);
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

}
