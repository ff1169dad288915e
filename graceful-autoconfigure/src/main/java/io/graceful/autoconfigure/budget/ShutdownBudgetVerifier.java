package io.graceful.autoconfigure.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.env.Environment;

/**
 * Checks at startup that the shutdown fits the grace period, and makes Spring's lifecycle
 * processor enforce the bounds: each owned phase gets its bound as timeout, every other
 * phase gets {@code graceful.other-phases-timeout}.
 *
 * @since 0.1.0
 */
public final class ShutdownBudgetVerifier implements SmartInitializingSingleton {

	static final String SPRING_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final Log logger = LogFactory.getLog(ShutdownBudgetVerifier.class);

	private final GracefulProperties properties;

	private final ObjectProvider<ShutdownBound> boundBeans;

	private final ObjectProvider<BoundedStep> boundedSteps;

	private List<ShutdownBound> bounds = List.of();

	private final Environment environment;

	private final BeanFactory beanFactory;

	/**
	 * Create the verifier.
	 * @param properties the bound properties
	 * @param bounds the bound beans, read once every singleton exists
	 * @param steps the steps that declare their own bound, read then too
	 * @param environment the environment
	 * @param beanFactory the bean factory, for the lifecycle beans
	 */
	public ShutdownBudgetVerifier(GracefulProperties properties, ObjectProvider<ShutdownBound> bounds,
			ObjectProvider<BoundedStep> steps, Environment environment, BeanFactory beanFactory) {
		this.properties = properties;
		this.boundBeans = bounds;
		this.boundedSteps = steps;
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.bounds = ShutdownBound.all(this.boundBeans, this.boundedSteps);
		ShutdownBudget budget = budget();
		if (!budget.fits()) {
			if (this.properties.getBudgetCheck() == GracefulProperties.BudgetCheck.FAIL) {
				throw new ShutdownBudgetExceededException(budget);
			}
			logger.warn(String.format(
					"The worst case of a graceful shutdown (%s) does not fit the grace period (%s); "
							+ "the platform may kill the process before the last step ends:%n%s",
					Durations.format(budget.total()), Durations.format(budget.gracePeriod()), budget.describe()));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(String.format("Graceful shutdown budget fits:%n%s", budget.describe()));
		}
		configurePhaseTimeouts();
	}

	ShutdownBudget budget() {
		Duration gracePeriod = this.properties.getGracePeriod();
		Duration margin = this.properties.getSafetyMargin();
		List<ShutdownBound> all = new ArrayList<>();
		for (ShutdownBound bound : this.bounds) {
			DurationRules.notNegative(bound.property(), bound.duration());
			all.add(bound);
		}
		Duration userPhaseTimeout = userPhaseTimeout();
		if (userPhaseTimeout != null) {
			for (ShutdownBound bound : this.bounds) {
				if (bound.phaseTimeout() && bound.duration().compareTo(userPhaseTimeout) > 0) {
					throw new InvalidConfigurationPropertyValueException(bound.property(),
							Durations.format(bound.duration()),
							"it must not exceed " + SPRING_PHASE_TIMEOUT + " (" + Durations.format(userPhaseTimeout)
									+ "), which would cut the " + bound.step() + " step early");
				}
			}
			all.add(otherPhases(SPRING_PHASE_TIMEOUT, userPhaseTimeout));
		}
		else {
			all.add(otherPhases("graceful.other-phases-timeout", this.properties.getOtherPhasesTimeout()));
		}
		all.add(ShutdownBound.of("safety margin", "graceful.safety-margin", margin, Integer.MIN_VALUE));
		return new ShutdownBudget(all, gracePeriod);
	}

	/**
	 * The phases graceful does not own: Spring waits up to their timeout for each of them
	 * in which a bean stops asynchronously (overrides
	 * {@link SmartLifecycle#stop(Runnable)}, as Spring's executors do when they pause),
	 * so each such phase counts; a phase whose beans all stop synchronously never waits
	 * for its timeout. At least one phase counts, for lifecycle beans created after
	 * startup.
	 */
	private ShutdownBound otherPhases(String property, Duration timeout) {
		Set<Integer> owned = new HashSet<>();
		for (ShutdownBound bound : this.bounds) {
			if (bound.phaseTimeout()) {
				owned.add(bound.phase());
			}
		}
		Set<Integer> waiting = new TreeSet<>(Comparator.reverseOrder());
		if (this.beanFactory instanceof ConfigurableListableBeanFactory listable) {
			for (String name : listable.getBeanNamesForType(SmartLifecycle.class, false, false)) {
				Object bean = listable.getSingleton(name);
				if (bean instanceof SmartLifecycle lifecycle && stopsAsynchronously(lifecycle)
						&& !owned.contains(lifecycle.getPhase())) {
					waiting.add(lifecycle.getPhase());
				}
			}
		}
		int phases = Math.max(1, waiting.size());
		String step = (phases == 1) ? "other phases" : "other phases (" + phases + ")";
		return ShutdownBound.of(step, property, timeout.multipliedBy(phases), Integer.MIN_VALUE);
	}

	private static boolean stopsAsynchronously(SmartLifecycle lifecycle) {
		try {
			return lifecycle.getClass().getMethod("stop", Runnable.class).getDeclaringClass() != SmartLifecycle.class;
		}
		catch (NoSuchMethodException | LinkageError ex) {
			// a native image without a hint for this class (LifecycleStopHints registers
			// one for every lifecycle bean it sees at build time): count it
			return true;
		}
	}

	private Duration userPhaseTimeout() {
		// the Binder converts "20s" in any context and finds relaxed names (environment
		// variables) that Environment.containsProperty would miss
		return Binder.get(this.environment).bind(SPRING_PHASE_TIMEOUT, Duration.class).orElse(null);
	}

	private void configurePhaseTimeouts() {
		if (userPhaseTimeout() != null
				|| !this.beanFactory.containsBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)) {
			return;
		}
		Object processor = this.beanFactory.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME);
		if (processor instanceof DefaultLifecycleProcessor lifecycleProcessor) {
			lifecycleProcessor.setTimeoutPerShutdownPhase(this.properties.getOtherPhasesTimeout().toMillis());
			for (Map.Entry<Integer, Duration> timeout : ShutdownBound.phaseTimeouts(this.bounds).entrySet()) {
				lifecycleProcessor.setTimeoutForShutdownPhase(timeout.getKey(), timeout.getValue().toMillis());
			}
		}
	}

}
