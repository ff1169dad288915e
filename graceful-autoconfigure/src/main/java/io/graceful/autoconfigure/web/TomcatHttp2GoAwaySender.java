package io.graceful.autoconfigure.web;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.http11.upgrade.UpgradeProcessorInternal;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ReflectionUtils;

/**
 * Sends GOAWAY on Tomcat's HTTP/2 connections the way Tomcat does itself when its
 * connector pauses at drain start: {@code Http2UpgradeHandler.pause()}, reached through
 * the processor of each connection of the endpoint. That is Tomcat's two-step graceful
 * GOAWAY: a first frame with last stream id 2^31-1 (NO_ERROR), so a stream racing it is
 * still processed; Tomcat sends the second, with the real last stream id, only when the
 * client opens a new stream at least a round trip (measured by its PINGs) later, and
 * ignores that stream (above the last stream id, so safe to retry). The processor is read
 * under the connection's lock, because Tomcat detaches it while it processes the
 * connection; a connection busy at that instant is left for the next call (at the end of
 * withdraw) or for Tomcat's own pause at drain.
 */
class TomcatHttp2GoAwaySender implements Http2GoAwaySender {

	private static final Method GET_ENDPOINT = findGetEndpoint();

	private final ApplicationContext context;

	private final Set<UpgradeProcessorInternal> paused = Collections.newSetFromMap(new WeakHashMap<>());

	TomcatHttp2GoAwaySender(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public int sendGoAway() {
		if (!(this.context instanceof WebServerApplicationContext webServerContext)) {
			return 0;
		}
		WebServer webServer = webServerContext.getWebServer();
		if (!(webServer instanceof TomcatWebServer tomcatWebServer)) {
			return 0;
		}
		int sent = 0;
		for (Connector connector : tomcatWebServer.getTomcat().getService().findConnectors()) {
			ProtocolHandler handler = connector.getProtocolHandler();
			if (handler instanceof AbstractProtocol<?> protocol) {
				sent += sendGoAway((AbstractEndpoint<?, ?>) ReflectionUtils.invokeMethod(GET_ENDPOINT, protocol));
			}
		}
		return sent;
	}

	private int sendGoAway(AbstractEndpoint<?, ?> endpoint) {
		int sent = 0;
		for (SocketWrapperBase<?> connection : endpoint.getConnections()) {
			ReentrantLock lock = connection.getLock();
			if (lock.tryLock()) {
				try {
					if (!connection.isClosed() && connection.getCurrentProcessor() instanceof UpgradeProcessorInternal upgrade
							&& isHttp2(upgrade) && markPaused(upgrade)) {
						upgrade.pause();
						sent++;
					}
				}
				finally {
					lock.unlock();
				}
			}
		}
		return sent;
	}

	private synchronized boolean markPaused(UpgradeProcessorInternal upgrade) {
		return this.paused.add(upgrade);
	}

	private static boolean isHttp2(UpgradeProcessorInternal upgrade) {
		return upgrade.getUpgradeToken() != null && upgrade.getUpgradeToken().getHttpUpgradeHandler() != null
				&& "org.apache.coyote.http2"
					.equals(upgrade.getUpgradeToken().getHttpUpgradeHandler().getClass().getPackageName());
	}

	private static Method findGetEndpoint() {
		Method method = ReflectionUtils.findMethod(AbstractProtocol.class, "getEndpoint");
		ReflectionUtils.makeAccessible(method);
		return method;
	}

}
