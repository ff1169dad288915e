package io.graceful.autoconfigure.step;

import io.graceful.autoconfigure.core.DurationRules;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * For every {@link ShutdownStep} bean, registers the lifecycle that runs it and the
 * {@link ShutdownBound} that counts it in the budget check, so that one bean is all an
 * application declares.
 */
final class ShutdownStepRegistrar implements BeanDefinitionRegistryPostProcessor {

	static final String LIFECYCLE_SUFFIX = ".gracefulShutdownStepLifecycle";

	static final String BOUND_SUFFIX = ".gracefulShutdownStepBound";

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!(registry instanceof ListableBeanFactory beanFactory)) {
			return;
		}
		for (String stepName : beanFactory.getBeanNamesForType(ShutdownStep.class, true, false)) {
			if (registry.containsBeanDefinition(stepName + LIFECYCLE_SUFFIX)) {
				continue;
			}
			RootBeanDefinition lifecycle = new RootBeanDefinition(ShutdownStepLifecycle.class,
					() -> new ShutdownStepLifecycle(beanFactory.getBean(stepName, ShutdownStep.class),
							beanFactory.getBean(ShutdownReport.class)));
			lifecycle.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(stepName + LIFECYCLE_SUFFIX, lifecycle);
			RootBeanDefinition bound = new RootBeanDefinition(ShutdownBound.class, () -> bound(beanFactory, stepName));
			bound.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(stepName + BOUND_SUFFIX, bound);
		}
	}

	private static ShutdownBound bound(BeanFactory beanFactory, String stepName) {
		ShutdownStep step = beanFactory.getBean(stepName, ShutdownStep.class);
		String property = "timeout of ShutdownStep bean '" + stepName + "'";
		return ShutdownBound.of(step.name(), property, DurationRules.positive(property, step.timeout()), step.phase());
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

}
