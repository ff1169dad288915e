package io.graceful.autoconfigure.grpc;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the gRPC drain: Spring Boot's gRPC server, stopped alongside the web drain.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.grpc-drain")
public class GrpcDrainProperties implements InitializingBean {

	/**
	 * Longest time gRPC calls in flight may take to finish once the server refuses new
	 * calls. Calls still running then are named in the log and cancelled. Runs alongside
	 * the web drain, so the budget counts the longer of the two.
	 */
	private Duration timeout = Duration.ofSeconds(7);

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.GRPC_DRAIN.property(), this.timeout);
	}

}
