package io.graceful.autoconfigure.web;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

/**
 * Settings of the web drain: Spring Boot's graceful web server shutdown, bounded and
 * reported by graceful.
 * <p>
 * Bound under {@code graceful.web-drain}, as part of
 * {@link io.graceful.autoconfigure.GracefulProperties}.
 *
 * @since 0.1.0
 */
public class WebDrainProperties {

	/**
	 * Longest time in-flight requests may take to finish once the server stops accepting
	 * connections. Requests still running then are named in the log and cut when the
	 * server stops.
	 */
	private Duration timeout = Duration.ofSeconds(7);

	/**
	 * Whether streaming responses (server-sent events, ResponseBodyEmitter, streaming
	 * Flux) still open when the drain starts are completed, instead of holding the drain
	 * to its bound.
	 */
	private boolean completeStreams = true;

	/**
	 * Whether WebSocket sessions still open when the drain starts are sent a close frame
	 * with status 1001 (going away), so that clients reconnect elsewhere.
	 */
	private boolean closeWebSockets = true;

	/**
	 * Longest time a WebSocket session may take to close after it was sent 1001; a
	 * session still open then is aborted (Reactor Netty) or left to the server's stop
	 * (servlet containers), and named in the log. Runs within the drain's own bound.
	 */
	private Duration webSocketCloseTimeout = Duration.ofSeconds(1);

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	public void validate() {
		DurationRules.positive(GracefulStep.WEB_DRAIN.property(), this.timeout);
		DurationRules.positive("graceful.web-drain.web-socket-close-timeout", this.webSocketCloseTimeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public boolean isCloseWebSockets() {
		return this.closeWebSockets;
	}

	public void setCloseWebSockets(boolean closeWebSockets) {
		this.closeWebSockets = closeWebSockets;
	}

	public Duration getWebSocketCloseTimeout() {
		return this.webSocketCloseTimeout;
	}

	public void setWebSocketCloseTimeout(Duration webSocketCloseTimeout) {
		this.webSocketCloseTimeout = webSocketCloseTimeout;
	}

	public boolean isCompleteStreams() {
		return this.completeStreams;
	}

	public void setCompleteStreams(boolean completeStreams) {
		this.completeStreams = completeStreams;
	}

}
