package io.graceful.autoconfigure.tomcat;

import io.graceful.autoconfigure.core.AcceptGate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Binds the application's Tomcat connector with {@code SO_REUSEPORT} (through
 * {@link ReusePortNioProtocol}) and holds its acceptor until the application is ready.
 * The management port, when it has a server of its own, keeps Tomcat's plain protocol.
 */
class TomcatHandover implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(TomcatHandover.class);

	private final Environment environment;

	private final AcceptGate gate;

	TomcatHandover(Environment environment, AcceptGate gate) {
		this.environment = environment;
		this.gate = gate;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		Integer managementPort = this.environment.getProperty("management.server.port", Integer.class);
		if (managementPort != null && managementPort == factory.getPort()
				&& this.environment.getProperty("server.port", Integer.class, 8080) != factory.getPort()) {
			return;
		}
		if (!TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(factory.getProtocol())) {
			logger.warn("Hand-over needs Tomcat's NIO protocol (" + TomcatWebServerFactory.DEFAULT_PROTOCOL
					+ "), but the connector uses " + factory.getProtocol()
					+ ": its port is bound without SO_REUSEPORT and a successor fails to bind it");
			return;
		}
		factory.setProtocol(ReusePortNioProtocol.class.getName());
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof ReusePortNioProtocol protocol) {
				protocol.reusePortEndpoint().holdAcceptsUntil(this.gate);
			}
		});
	}

	@Override
	public int getOrder() {
		// after Spring Boot's own customizers have set the port
		return Ordered.LOWEST_PRECEDENCE;
	}

}
