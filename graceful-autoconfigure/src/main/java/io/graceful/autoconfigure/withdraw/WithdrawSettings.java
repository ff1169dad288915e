package io.graceful.autoconfigure.withdraw;

import java.time.Duration;

import io.graceful.autoconfigure.HandoverProperties;
import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.Durations;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The withdraw settings in force: the delay resolved for the platform, and validated.
 *
 * @param delay the delay
 * @param reason why that delay, for the log
 * @param minDelay the minimum delay with a quiet period
 * @param quietPeriod the quiet period, or {@code null}
 * @param connectionClose whether HTTP/1.1 responses get {@code Connection: close}
 * @param http2GoAway whether HTTP/2 connections get a graceful GOAWAY
 * @param closeIdleConnections whether idle connections are closed at the end
 * @param handover whether the listening socket is closed first, for a hand-over of the
 * port to a successor
 */
record WithdrawSettings(Duration delay, String reason, Duration minDelay, @Nullable Duration quietPeriod,
		boolean connectionClose, boolean http2GoAway, boolean closeIdleConnections, boolean handover) {

	static final Duration KUBERNETES_DELAY = Duration.ofSeconds(10);

	static WithdrawSettings resolve(WithdrawProperties properties, HandoverProperties handover,
			Environment environment) {
		if (handover.isEnabled()) {
			// no load balancer to wait for: the delay only moves kept-alive connections
			return new WithdrawSettings(handover.getMovePeriod(), "graceful.handover.move-period", Duration.ZERO, null,
					true, properties.isHttp2GoAway(), true, true);
		}
		Duration delay;
		String reason;
		if (properties.getDelay() != null) {
			delay = DurationRules.notNegative("graceful.withdraw.delay", properties.getDelay());
			reason = "graceful.withdraw.delay";
		}
		else if (CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES) {
			delay = KUBERNETES_DELAY;
			reason = "Kubernetes detected";
		}
		else {
			delay = Duration.ZERO;
			reason = "not on Kubernetes and graceful.withdraw.delay not set";
		}
		// a fixed delay unless a quiet period is set: the lab's propagation sweep lost
		// requests with a 5 s floor once the removal took 8 s, because pooled clients
		// open
		// new connections too rarely for a quiet period to prove the balancer has stopped
		Duration minDelay = (properties.getMinDelay() != null)
				? DurationRules.notNegative("graceful.withdraw.min-delay", properties.getMinDelay()) : Duration.ZERO;
		Duration quietPeriod = properties.getQuietPeriod();
		if (!delay.isZero()) {
			if (quietPeriod != null) {
				DurationRules.positive("graceful.withdraw.quiet-period", quietPeriod);
				if (quietPeriod.compareTo(delay) > 0) {
					throw new InvalidConfigurationPropertyValueException("graceful.withdraw.quiet-period",
							Durations.format(quietPeriod),
							"it must not be longer than graceful.withdraw.delay (" + Durations.format(delay) + ")");
				}
			}
			if (minDelay.compareTo(delay) > 0) {
				throw new InvalidConfigurationPropertyValueException("graceful.withdraw.min-delay",
						Durations.format(minDelay),
						"it must be between 0 and graceful.withdraw.delay (" + Durations.format(delay) + ")");
			}
		}
		return new WithdrawSettings(delay, reason, minDelay, quietPeriod, properties.isConnectionClose(),
				properties.isHttp2GoAway(), properties.isCloseIdleConnections(), false);
	}

}
