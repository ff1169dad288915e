package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.core.InFlightRequest;
import io.graceful.autoconfigure.core.InFlightRequests;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Counts WebFlux requests in flight, marks responses committed while withdrawing
 * {@code Connection: close}, and lets the drain complete streaming responses.
 */
class RequestTrackingWebFilter implements WebFilter, Ordered {

	private final InFlightRequests inFlightRequests;

	private final @Nullable OpenStreams openStreams;

	private final @Nullable String managementBasePath;

	RequestTrackingWebFilter(InFlightRequests inFlightRequests, @Nullable OpenStreams openStreams,
			@Nullable String managementBasePath) {
		this.inFlightRequests = inFlightRequests;
		this.openStreams = openStreams;
		this.managementBasePath = managementBasePath;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		InFlightRequest inFlight = this.inFlightRequests.begin(exchange.getRequest().getMethod().name(), path,
				this.managementBasePath == null || !path.startsWith(this.managementBasePath));
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			if (this.inFlightRequests.isClosingConnections() && !"websocket"
				.equalsIgnoreCase(exchange.getRequest().getHeaders().getFirst(HttpHeaders.UPGRADE))) {
				response.getHeaders().set(HttpHeaders.CONNECTION, "close");
			}
			return Mono.empty();
		});
		ServerWebExchange tracked = (this.openStreams != null)
				? exchange.mutate().response(new StreamCompletingResponse(response, this.openStreams)).build()
				: exchange;
		return chain.filter(tracked).doFinally((signal) -> this.inFlightRequests.end(inFlight));
	}

	/**
	 * Ends a streamed body normally when the drain starts.
	 */
	private static final class StreamCompletingResponse extends ServerHttpResponseDecorator {

		private final OpenStreams openStreams;

		StreamCompletingResponse(ServerHttpResponse delegate, OpenStreams openStreams) {
			super(delegate);
			this.openStreams = openStreams;
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			Sinks.One<Boolean> drainStarted = Sinks.one();
			OpenStreams.Registration registration = this.openStreams
				.register(() -> drainStarted.tryEmitValue(Boolean.TRUE));
			return super.writeAndFlushWith(Flux.from(body).takeUntilOther(drainStarted.asMono()))
				.doFinally((signal) -> registration.close());
		}

	}

}
