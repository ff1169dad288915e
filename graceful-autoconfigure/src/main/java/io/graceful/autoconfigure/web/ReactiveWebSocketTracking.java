package io.graceful.autoconfigure.web;

import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tracks WebFlux WebSocket sessions in {@link OpenWebSockets} by replacing the
 * {@link WebSocketHandlerAdapter} with one that wraps every handler. Aborting a session
 * ends its handler, after which the server closes the connection.
 */
class ReactiveWebSocketTracking implements BeanPostProcessor {

	private final ObjectProvider<OpenWebSockets> openWebSockets;

	ReactiveWebSocketTracking(ObjectProvider<OpenWebSockets> openWebSockets) {
		this.openWebSockets = openWebSockets;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebSocketHandlerAdapter adapter && !(bean instanceof TrackingAdapter)) {
			TrackingAdapter tracking = new TrackingAdapter(adapter.getWebSocketService(),
					this.openWebSockets.getObject());
			tracking.setOrder(adapter.getOrder());
			return tracking;
		}
		return bean;
	}

	private static final class TrackingAdapter extends WebSocketHandlerAdapter {

		private final OpenWebSockets openWebSockets;

		TrackingAdapter(WebSocketService service, OpenWebSockets openWebSockets) {
			super(service);
			this.openWebSockets = openWebSockets;
		}

		@Override
		public Mono<HandlerResult> handle(ServerWebExchange exchange, Object handler) {
			return super.handle(exchange, new TrackingHandler((WebSocketHandler) handler, this.openWebSockets,
					exchange.getRequest().getPath().value()));
		}

	}

	private record TrackingHandler(WebSocketHandler delegate, OpenWebSockets openWebSockets,
			String path) implements WebSocketHandler {

		@Override
		public List<String> getSubProtocols() {
			return this.delegate.getSubProtocols();
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			Sinks.One<Boolean> aborted = Sinks.one();
			OpenWebSockets.Registration registration = this.openWebSockets.register(this.path,
					(reason) -> session.close(CloseStatus.GOING_AWAY.withReason(reason)).subscribe(),
					() -> aborted.tryEmitValue(Boolean.TRUE));
			return this.delegate.handle(session)
				.takeUntilOther(aborted.asMono())
				.doFinally((signal) -> registration.close());
		}

	}

}
