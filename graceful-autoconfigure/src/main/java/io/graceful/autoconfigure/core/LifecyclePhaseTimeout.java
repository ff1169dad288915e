package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Sets the timeout Spring's lifecycle processor gives one shutdown phase, while the
 * shutdown runs: a step whose wait is Spring's phase timeout (the web drain, the gRPC
 * drain, the Kafka listeners) gets its allowance there, its bound plus what earlier steps
 * carried over, or what is left of it after a first part the step waited for itself.
 * Steps that share a phase run alongside each other, so the phase lasts until the latest
 * of their deadlines. Spring reads a phase's timeout when it starts stopping that phase.
 *
 * @since 0.1.0
 */
public final class LifecyclePhaseTimeout {

	private final BeanFactory beanFactory;

	private final Map<Integer, Map<String, Long>> deadlines = new ConcurrentHashMap<>();

	public LifecyclePhaseTimeout(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Set one step's share of the timeout of a phase that has not started stopping yet:
	 * the phase's timeout becomes the time to the latest deadline of the steps in it.
	 * @param phase the phase
	 * @param step the step that waits in it
	 * @param timeout the step's allowance from now; less than a millisecond counts as one
	 */
	public void set(int phase, String step, Duration timeout) {
		long now = System.nanoTime();
		Map<String, Long> steps = this.deadlines.computeIfAbsent(phase, (key) -> new ConcurrentHashMap<>());
		steps.put(step, now + timeout.toNanos());
		long latest = steps.values().stream().mapToLong((deadline) -> deadline - now).max().orElse(0);
		if (this.beanFactory.containsBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) && this.beanFactory
			.getBean(
					AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) instanceof DefaultLifecycleProcessor processor) {
			processor.setTimeoutForShutdownPhase(phase, Math.max(1, Duration.ofNanos(latest).toMillis()));
		}
	}

}
