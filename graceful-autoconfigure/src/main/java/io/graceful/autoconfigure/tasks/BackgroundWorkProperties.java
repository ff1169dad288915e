package io.graceful.autoconfigure.tasks;

import java.time.Duration;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.GracefulStep;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the background-work step: Spring-managed executors and schedulers and
 * {@link TrackedWork} finish before the resources they use go away.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.background-work")
public class BackgroundWorkProperties implements InitializingBean {

	/**
	 * Longest time queued and running tasks of Spring-managed executors, and tracked
	 * work, may take to finish once the background-work step starts. Tasks still queued
	 * then are cancelled and running ones interrupted when the executors are destroyed;
	 * both are named in the log.
	 */
	private Duration timeout = Duration.ofSeconds(3);

	/**
	 * Check the bound values, naming the property and the allowed range.
	 */
	@Override
	public void afterPropertiesSet() {
		DurationRules.positive(GracefulStep.BACKGROUND_WORK.property(), this.timeout);
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
