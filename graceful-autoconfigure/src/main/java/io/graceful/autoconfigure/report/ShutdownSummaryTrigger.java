package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.ShutdownReport;
import org.jspecify.annotations.Nullable;

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
 * <p>
 * The summary itself is created then, from the report and the grace period, so that
 * nothing of it is loaded or held while the application runs.
 *
 * @since 0.1.0
 */
public final class ShutdownSummaryTrigger implements BeanFactoryPostProcessor, DisposableBean {

	private volatile @Nullable ConfigurableListableBeanFactory beanFactory;

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
		ShutdownReport report = singleton(beanFactory, ShutdownReport.class);
		GracefulProperties properties = singleton(beanFactory, GracefulProperties.class);
		if (report != null && properties != null) {
			new ShutdownSummary(report, properties.getGracePeriod()).shutdownEnded();
		}
	}

	/**
	 * A singleton that exists, without creating one: beans cannot be created while the
	 * context destroys them.
	 */
	private static <T> @Nullable T singleton(ConfigurableListableBeanFactory beanFactory, Class<T> type) {
		for (String name : beanFactory.getBeanNamesForType(type, false, false)) {
			Object bean = beanFactory.getSingleton(name);
			if (type.isInstance(bean)) {
				return type.cast(bean);
			}
		}
		return null;
	}

}
