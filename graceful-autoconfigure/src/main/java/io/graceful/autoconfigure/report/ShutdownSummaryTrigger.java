package io.graceful.autoconfigure.report;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Writes the {@link ShutdownSummary} when the context destroys its beans, after
 * everything else.
 * <p>
 * No lifecycle phase is last: Spring Kafka closes its producers at
 * {@code Integer.MIN_VALUE}, and pools close at bean destruction, after every phase.
 * Singletons are destroyed in the reverse order of their registration as disposable, and
 * a bean factory post-processor is created before any ordinary bean, so this one is
 * registered among the first and destroyed among the last, whatever the application
 * declares. It does not depend on the {@code ContextClosedEvent}, so it runs on every
 * close.
 */
final class ShutdownSummaryTrigger implements BeanFactoryPostProcessor, DisposableBean {

	private volatile ConfigurableListableBeanFactory beanFactory;

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void destroy() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			return;
		}
		for (String name : beanFactory.getBeanNamesForType(ShutdownSummary.class, false, false)) {
			if (beanFactory.getSingleton(name) instanceof ShutdownSummary summary) {
				summary.shutdownEnded();
			}
		}
	}

}
