package io.graceful.autoconfigure.jetty;

import io.graceful.autoconfigure.core.AcceptGate;
import io.graceful.autoconfigure.withdraw.ListeningSocketCloser;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * A hand-over on Jetty: the application's connector binds with {@code SO_REUSEPORT}
 * ({@link ServerConnector#setReusePort}), its acceptors wait until the application is
 * ready, and at shutdown its listening socket is closed first. The management port, when
 * it has a server of its own, stays exclusive.
 */
class JettyHandover implements JettyServerCustomizer, ListeningSocketCloser {

	private final Environment environment;

	private final AcceptGate gate;

	private final ApplicationContext context;

	JettyHandover(Environment environment, AcceptGate gate, ApplicationContext context) {
		this.environment = environment;
		this.gate = gate;
		this.context = context;
	}

	@Override
	public void customize(Server server) {
		Integer managementPort = this.environment.getProperty("management.server.port", Integer.class);
		int serverPort = this.environment.getProperty("server.port", Integer.class, 8080);
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector && (managementPort == null
					|| managementPort == serverPort || serverConnector.getPort() != managementPort)) {
				serverConnector.setReusePort(true);
				// the acceptor threads wait for this before their first accept
				serverConnector.setAccepting(false);
				this.gate.whenOpen(() -> serverConnector.setAccepting(true));
			}
		}
	}

	@Override
	public void closeListeningSockets() {
		for (Connector connector : JettyConnections.connectors(this.context)) {
			if (connector instanceof ServerConnector serverConnector && serverConnector.isOpen()) {
				// not accepting first, so that the acceptor woken by the close logs
				// nothing
				serverConnector.setAccepting(false);
				serverConnector.close();
			}
		}
	}

}
