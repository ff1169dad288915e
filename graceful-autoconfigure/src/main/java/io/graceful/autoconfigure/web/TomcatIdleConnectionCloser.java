package io.graceful.autoconfigure.web;

import java.lang.reflect.Method;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * Closes Tomcat's idle keep-alive connections. A connection is idle when no processor is
 * attached while its lock is held (Tomcat takes that lock to process a connection and
 * clears the processor during processing too, so a missing processor alone proves nothing),
 * and it had no I/O for {@link ConnectionIdleness#MIN_QUIET}.
 */
class TomcatIdleConnectionCloser implements IdleConnectionCloser {

	private static final Method GET_ENDPOINT = findGetEndpoint();

	private final ApplicationContext context;

	TomcatIdleConnectionCloser(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int closeIdleConnections() {
		if (!(this.context instanceof WebServerApplicationContext webServerContext)) {
			return 0;
		}
		WebServer webServer = webServerContext.getWebServer();
		if (!(webServer instanceof TomcatWebServer tomcatWebServer)) {
			return 0;
		}
		int closed = 0;
		for (Connector connector : tomcatWebServer.getTomcat().getService().findConnectors()) {
			ProtocolHandler handler = connector.getProtocolHandler();
			if (handler instanceof AbstractProtocol<?> protocol) {
				closed += closeIdle((AbstractEndpoint<?, ?>) ReflectionUtils.invokeMethod(GET_ENDPOINT, protocol));
			}
		}
		return closed;
	}

	private int closeIdle(AbstractEndpoint<?, ?> endpoint) {
		int closed = 0;
		long quietSince = System.currentTimeMillis() - ConnectionIdleness.MIN_QUIET.toMillis();
		for (SocketWrapperBase<?> connection : endpoint.getConnections()) {
			ReentrantLock lock = connection.getLock();
			if (lock.tryLock()) {
				try {
					if (!connection.isClosed() && connection.getCurrentProcessor() == null
							&& quietSince(connection, quietSince)) {
						connection.close();
						closed++;
					}
				}
				finally {
					lock.unlock();
				}
			}
		}
		return closed;
	}

	private static boolean quietSince(SocketWrapperBase<?> connection, long quietSince) {
		return !(connection instanceof NioEndpoint.NioSocketWrapper nio)
				|| Math.max(nio.getLastRead(), nio.getLastWrite()) <= quietSince;
	}

	private static Method findGetEndpoint() {
		Method method = ReflectionUtils.findMethod(AbstractProtocol.class, "getEndpoint");
		ReflectionUtils.makeAccessible(method);
		return method;
	}

}
