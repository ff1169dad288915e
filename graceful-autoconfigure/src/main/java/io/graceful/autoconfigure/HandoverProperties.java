package io.graceful.autoconfigure;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Hand-over of the listening port to a successor on the same host, for restarts without a
 * load balancer: the application's web server binds its port with {@code SO_REUSEPORT},
 * so a successor of the same application can start on the same port while this instance
 * still serves, and a shutdown closes the listening socket first instead of waiting for a
 * load balancer.
 * <p>
 * Bound under {@code graceful.handover}, as part of {@link GracefulProperties}.
 *
 * @since 0.1.0
 */
public class HandoverProperties {

	/**
	 * Whether the application's server port is bound with SO_REUSEPORT and a shutdown
	 * hands the port over to a successor on the same host (Linux only; the management
	 * port stays exclusive).
	 */
	private boolean enabled = false;

	/**
	 * How long kept-alive connections are given at most to move to the successor once the
	 * listening socket is closed: their next response carries 'Connection: close', HTTP/2
	 * connections get GOAWAY. It ends as soon as no connection is idle any more; those
	 * still idle at the end are closed. Replaces the withdraw delay when hand-over is
	 * enabled.
	 */
	private Duration movePeriod = Duration.ofSeconds(5);

	/**
	 * Signal on which the running instance starts its successor with the same command
	 * line and environment, waits until it is ready, then shuts itself down gracefully.
	 * Only HUP is supported. Off when not set.
	 */
	private @Nullable String signal;

	/**
	 * With a signal set, how long the successor may take to become ready. When it fails
	 * or is not ready by then, it is stopped and this instance keeps serving.
	 */
	private Duration successorTimeout = Duration.ofSeconds(60);

	/**
	 * Check the bound, naming the property and the allowed range.
	 */
	public void validate() {
		DurationRules.notNegative("graceful.handover.move-period", this.movePeriod);
		DurationRules.positive("graceful.handover.successor-timeout", this.successorTimeout);
		if (this.signal != null && !"HUP".equals(this.signal)) {
			throw new InvalidConfigurationPropertyValueException("graceful.handover.signal", this.signal,
					"only HUP is supported");
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getSignal() {
		return this.signal;
	}

	public void setSignal(@Nullable String signal) {
		this.signal = signal;
	}

	public Duration getSuccessorTimeout() {
		return this.successorTimeout;
	}

	public void setSuccessorTimeout(Duration successorTimeout) {
		this.successorTimeout = successorTimeout;
	}

	public Duration getMovePeriod() {
		return this.movePeriod;
	}

	public void setMovePeriod(Duration movePeriod) {
		this.movePeriod = movePeriod;
	}

}
