package io.graceful.autoconfigure.web;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * A servlet application with a plain WebSocket handler ({@code /ws}, echo) and a STOMP
 * endpoint ({@code /stomp}, simple broker).
 */
@SpringBootConfiguration
// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on the
// test class path
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
class WebSocketMvcApplication {

	/**
	 * With Jetty's WebSocket classes on the class path Spring picks Jetty's upgrade
	 * strategy, which fails on Tomcat: the Tomcat tests ask for the standard one.
	 */
	static HandshakeHandler handshakeHandler(Environment environment) {
		return environment.getProperty("scenario.standard-upgrade", Boolean.class, false)
				? new DefaultHandshakeHandler(new StandardWebSocketUpgradeStrategy()) : new DefaultHandshakeHandler();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class Handlers implements WebSocketConfigurer {

		private final Environment environment;

		Handlers(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(new Echo(), "/ws").setHandshakeHandler(handshakeHandler(this.environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class Stomp implements WebSocketMessageBrokerConfigurer {

		private final Environment environment;

		Stomp(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/stomp").setHandshakeHandler(handshakeHandler(this.environment));
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic");
		}

	}

	static class Echo extends TextWebSocketHandler {

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
			session.sendMessage(new TextMessage(message.getPayload()));
		}

	}

}
