package io.graceful.autoconfigure.core;

import java.time.Duration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Sets the timeout Spring's lifecycle processor gives one shutdown phase, while the
 * shutdown runs: a step whose wait is Spring's phase timeout (the web drain, the Kafka
 * listeners) gets its allowance there, its bound plus what earlier steps carried over, or
 * what is left of it after a first part the step waited for itself. Spring reads a
 * phase's timeout when it starts stopping that phase.
 *
 * @since 0.1.0
 */
public final class LifecyclePhaseTimeout {

	private final BeanFactory beanFactory;

	public LifecyclePhaseTimeout(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Set the timeout of a phase that has not started stopping yet.
	 * @param phase the phase
	 * @param timeout its timeout; less than a millisecond counts as one
	 */
	public void set(int phase, Duration timeout) {
		if (this.beanFactory.containsBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) && this.beanFactory
			.getBean(
					AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) instanceof DefaultLifecycleProcessor processor) {
			processor.setTimeoutForShutdownPhase(phase, Math.max(1, timeout.toMillis()));
		}
	}

}
