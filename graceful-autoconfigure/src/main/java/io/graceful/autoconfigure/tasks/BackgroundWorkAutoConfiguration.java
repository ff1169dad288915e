package io.graceful.autoconfigure.tasks;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * Finish background work before the resources it uses go away: tasks of Spring-managed
 * executors and schedulers, and {@link TrackedWork}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BackgroundWorkProperties.class)
public final class BackgroundWorkAutoConfiguration {

	@Bean
	static TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor() {
		return new TaskTrackingPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TrackedWork trackedWork(TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor) {
		return new TrackedWork(gracefulTaskTrackingPostProcessor.signal());
	}

	@Bean
	BackgroundWorkLifecycle backgroundWorkLifecycle(ApplicationContext context,
			TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor, TrackedWork trackedWork,
			ObjectProvider<ScheduledTaskHolder> scheduledTaskHolders, ShutdownReport report,
			BackgroundWorkProperties properties, TaskAdmission gracefulTaskAdmission) {
		BackgroundWorkLifecycle lifecycle = new BackgroundWorkLifecycle(context, gracefulTaskTrackingPostProcessor,
				trackedWork, scheduledTaskHolders.orderedStream().toList(), report, properties.getTimeout());
		lifecycle.admitWith(gracefulTaskAdmission);
		return lifecycle;
	}

	@Bean
	StepForecaster backgroundWorkForecaster(BackgroundWorkLifecycle backgroundWorkLifecycle) {
		return backgroundWorkLifecycle::forecast;
	}

	@Bean
	TaskAdmission gracefulTaskAdmission(ShutdownReport report, BackgroundWorkProperties properties,
			GracefulProperties gracefulProperties, ObjectProvider<ShutdownBound> bounds) {
		return new TaskAdmission(report, properties.getAdmission(),
				TaskAdmission.horizon(bounds.orderedStream().toList(), gracefulProperties.isCarryOver()));
	}

	@Bean
	ShutdownBound backgroundWorkShutdownBound(BackgroundWorkProperties properties) {
		return ShutdownBound.of(GracefulStep.BACKGROUND_WORK, properties.getTimeout(), GracefulPhases.BACKGROUND_WORK);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class TaskAdmissionMetricsConfiguration {

		@Bean
		TaskAdmissionMetrics gracefulTaskAdmissionMetrics(TaskTrackingPostProcessor gracefulTaskTrackingPostProcessor) {
			return new TaskAdmissionMetrics(gracefulTaskTrackingPostProcessor);
		}

	}

}
