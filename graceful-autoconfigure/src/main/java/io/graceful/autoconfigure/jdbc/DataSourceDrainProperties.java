package io.graceful.autoconfigure.jdbc;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the DataSource drain: HikariCP pools wait for their connections to be
 * returned before they close.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.datasource-drain")
public class DataSourceDrainProperties implements InitializingBean {

	/**
	 * Longest time, for all pools together, to wait until no connection is in use.
	 * Connections still in use then are aborted when the pool closes, and counted in the
	 * log.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.DATASOURCE_DRAIN.property(), this.timeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
