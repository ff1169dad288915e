package io.graceful.autoconfigure.web;

import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

/**
 * A WebFlux application with a WebSocket handler on {@code /ws} that echoes.
 */
@SpringBootConfiguration
// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on the
// test class path
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
class WebSocketWebFluxApplication {

	@Bean
	HandlerMapping webSocketMapping() {
		WebSocketHandler echo = (session) -> session.send(session.receive().map((message) -> {
			String text = message.getPayloadAsText();
			return session.textMessage(text);
		}));
		return new SimpleUrlHandlerMapping(Map.of("/ws", echo), -1);
	}

	/**
	 * With Tomcat and Jetty on the class path Spring picks a servlet upgrade strategy:
	 * ask for Reactor Netty's.
	 */
	@Bean
	WebSocketHandlerAdapter webSocketHandlerAdapter() {
		return new WebSocketHandlerAdapter(new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy()));
	}

}
