package io.graceful.autoconfigure.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ExceptionWebSocketHandlerDecorator;
import org.springframework.web.socket.handler.LoggingWebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Tracks the servlet WebSocket sessions (Spring's {@code @EnableWebSocket} handlers and
 * STOMP over WebSocket, which both map a {@link WebSocketHttpRequestHandler}) in
 * {@link OpenWebSockets}. The handler mapping is changed right after it is created,
 * before it registers its handlers. SockJS endpoints are not tracked.
 */
class ServletWebSocketTracking implements InstantiationAwareBeanPostProcessor {

	private static final String REGISTRATION = ServletWebSocketTracking.class.getName() + ".registration";

	private final ObjectProvider<OpenWebSockets> openWebSockets;

	ServletWebSocketTracking(ObjectProvider<OpenWebSockets> openWebSockets) {
		this.openWebSockets = openWebSockets;
	}

	@Override
	public boolean postProcessAfterInstantiation(Object bean, String beanName) {
		if (bean instanceof WebSocketHandlerMapping mapping) {
			Map<String, Object> tracked = new LinkedHashMap<>();
			mapping.getUrlMap().forEach((path, handler) -> {
				if (handler instanceof WebSocketHttpRequestHandler requestHandler) {
					tracked.put(path, track(requestHandler));
				}
			});
			mapping.setUrlMap(tracked);
		}
		return true;
	}

	private WebSocketHttpRequestHandler track(WebSocketHttpRequestHandler original) {
		WebSocketHttpRequestHandler tracked = new WebSocketHttpRequestHandler(
				new TrackingHandler(undecorated(original.getWebSocketHandler()), this.openWebSockets.getObject()),
				original.getHandshakeHandler());
		tracked.setHandshakeInterceptors(original.getHandshakeInterceptors());
		return tracked;
	}

	/**
	 * The handler without the decorators {@link WebSocketHttpRequestHandler} adds itself
	 * (it adds them again around ours).
	 */
	private static WebSocketHandler undecorated(WebSocketHandler handler) {
		if (handler instanceof ExceptionWebSocketHandlerDecorator exception
				&& exception.getDelegate() instanceof LoggingWebSocketHandlerDecorator logging) {
			return logging.getDelegate();
		}
		return handler;
	}

	private static final class TrackingHandler extends WebSocketHandlerDecorator {

		private final OpenWebSockets openWebSockets;

		TrackingHandler(WebSocketHandler delegate, OpenWebSockets openWebSockets) {
			super(delegate);
			this.openWebSockets = openWebSockets;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			String path = (session.getUri() != null) ? session.getUri().getPath() : "?";
			session.getAttributes()
				.put(REGISTRATION, this.openWebSockets.register(path, (reason) -> close(session, reason), null));
			super.afterConnectionEstablished(session);
		}

		private static void close(WebSocketSession session, String reason) {
			try {
				session.close(CloseStatus.GOING_AWAY.withReason(reason));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			if (session.getAttributes().remove(REGISTRATION) instanceof OpenWebSockets.Registration registration) {
				registration.close();
			}
			super.afterConnectionClosed(session, closeStatus);
		}

	}

}
