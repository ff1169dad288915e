package io.graceful.autoconfigure.r2dbc;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the R2DBC drain of a graceful shutdown.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.r2dbc-drain")
public class R2dbcDrainProperties implements InitializingBean {

	/**
	 * Longest time all R2DBC connection pools together may take, after background work,
	 * until no connection is acquired. Pools close then anyway; connections still
	 * acquired are named in the log and closed when they are released.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Check the bound value, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.R2DBC_DRAIN.property(), this.timeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
