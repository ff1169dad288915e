package io.graceful.autoconfigure.web;

import java.time.Duration;

import io.graceful.autoconfigure.core.GracefulPhases;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Gives Spring Boot's graceful web shutdown what is left of the drain bound once the
 * drain's own first part (the wait for queued requests) is over, so that both together
 * stay within the bound the budget check counted.
 */
final class WebDrainPhaseTimeout {

	private final BeanFactory beanFactory;

	WebDrainPhaseTimeout(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	void set(Duration remaining) {
		if (this.beanFactory.containsBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) && this.beanFactory
			.getBean(
					AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) instanceof DefaultLifecycleProcessor processor) {
			processor.setTimeoutForShutdownPhase(GracefulPhases.WEB_DRAIN, Math.max(1, remaining.toMillis()));
		}
	}

}
