package io.graceful.autoconfigure.jdbc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the DataSource drain: HikariCP pools wait for their connections to be
 * returned before they close.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.datasource")
public class DataSourceDrainProperties {

	/**
	 * Longest time, for all pools together, to wait until no connection is in use.
	 * Connections still in use then are aborted when the pool closes, and counted in the
	 * log.
	 */
	private Duration awaitTimeout = Duration.ofSeconds(2);

	public Duration getAwaitTimeout() {
		return this.awaitTimeout;
	}

	public void setAwaitTimeout(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

}
