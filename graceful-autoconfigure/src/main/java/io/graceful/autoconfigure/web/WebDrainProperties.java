package io.graceful.autoconfigure.web;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the web drain: Spring Boot's graceful web server shutdown, bounded and
 * reported by graceful.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.web-drain")
public class WebDrainProperties implements InitializingBean {

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
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.WEB_DRAIN.property(), this.timeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public boolean isCompleteStreams() {
		return this.completeStreams;
	}

	public void setCompleteStreams(boolean completeStreams) {
		this.completeStreams = completeStreams;
	}

}
