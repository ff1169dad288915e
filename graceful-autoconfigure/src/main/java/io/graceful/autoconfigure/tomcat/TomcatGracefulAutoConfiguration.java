package io.graceful.autoconfigure.tomcat;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.AcceptGate;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What graceful does on Tomcat: close idle keep-alive connections and send HTTP/2 GOAWAY
 * at withdraw, count requests queued for a worker thread for the drain, and cap the waits
 * of Tomcat's own stop.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnClass({ Tomcat.class, TomcatWebServer.class, TomcatConnectorCustomizer.class })
public final class TomcatGracefulAutoConfiguration {

	@Bean
	TomcatConnections tomcatConnections(ApplicationContext context) {
		return new TomcatConnections(context);
	}

	@Bean
	TomcatStopBoundCustomizer gracefulTomcatStopBoundCustomizer(GracefulProperties properties) {
		return new TomcatStopBoundCustomizer(properties.webServerStopBound());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("graceful.handover.enabled")
	static class TomcatHandoverConfiguration {

		@Bean
		AcceptGate tomcatAcceptGate() {
			return new AcceptGate();
		}

		@Bean
		TomcatHandover gracefulTomcatHandover(Environment environment, AcceptGate tomcatAcceptGate) {
			return new TomcatHandover(environment, tomcatAcceptGate);
		}

	}

}
