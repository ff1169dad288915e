package io.graceful.autoconfigure.jetty;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.AcceptGate;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What graceful does on Jetty: close idle keep-alive connections and send HTTP/2 GOAWAY
 * at withdraw, and cap the wait of Jetty's own stop.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnClass({ Server.class, QueuedThreadPool.class, JettyWebServer.class })
public final class JettyGracefulAutoConfiguration {

	@Bean
	JettyStopTimeoutCustomizer gracefulJettyStopTimeoutCustomizer(GracefulProperties properties) {
		return new JettyStopTimeoutCustomizer(properties.webServerStopBound());
	}

	@Bean
	JettyOpenConnections jettyOpenConnections(ApplicationContext context) {
		return new JettyOpenConnections(context);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HttpConnection.class)
	static class JettyConnectionsConfiguration {

		@Bean
		JettyIdleConnectionCloser jettyIdleConnectionCloser(ApplicationContext context) {
			return new JettyIdleConnectionCloser(context);
		}

		@Bean
		JettyQueuedRequests jettyQueuedRequests() {
			return new JettyQueuedRequests();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HTTP2Connection.class)
	static class JettyHttp2Configuration {

		@Bean
		JettyHttp2GoAwaySender jettyHttp2GoAwaySender(ApplicationContext context) {
			return new JettyHttp2GoAwaySender(context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("graceful.handover.enabled")
	static class JettyHandoverConfiguration {

		@Bean
		AcceptGate jettyAcceptGate() {
			return new AcceptGate();
		}

		@Bean
		JettyHandover gracefulJettyHandover(Environment environment, AcceptGate jettyAcceptGate,
				ApplicationContext context) {
			return new JettyHandover(environment, jettyAcceptGate, context);
		}

	}

}
