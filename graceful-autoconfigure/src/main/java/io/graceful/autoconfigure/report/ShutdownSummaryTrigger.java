package io.graceful.autoconfigure.report;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;

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
 * <p>
 * It also keeps the summary eager under {@code spring.main.lazy-initialization=true} (a
 * summary created only when it is first used would miss the shutdown it reports, and
 * beans cannot be created while the context destroys them), without a bean of its own for
 * that.
 */
final class ShutdownSummaryTrigger
		implements BeanFactoryPostProcessor, DisposableBean, LazyInitializationExcludeFilter {

	private volatile ConfigurableListableBeanFactory beanFactory;

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public boolean isExcluded(String beanName, BeanDefinition beanDefinition, Class<?> beanType) {
		return ShutdownSummary.class.isAssignableFrom(beanType);
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
