package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.tasks.TaskTrackingPostProcessor;
import io.graceful.autoconfigure.web.WebDrainAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Shutdown metrics, when Micrometer is present and a meter registry is configured.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
		after = { GracefulAutoConfiguration.class, WebDrainAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean(MeterRegistry.class)
public final class ShutdownMetricsAutoConfiguration {

	@Bean
	ShutdownMetrics gracefulShutdownMetrics(ShutdownReport report, ObjectProvider<InFlightRequests> inFlightRequests,
			GracefulProperties properties, ApplicationContext context, ObjectProvider<ShutdownBound> bounds,
			ObjectProvider<BoundedStep> steps, ObjectProvider<ShutdownForecast> forecast,
			ObjectProvider<TaskTrackingPostProcessor> taskTracking) {
		ShutdownMetrics metrics = new ShutdownMetrics(report, inFlightRequests.getIfAvailable(),
				properties.getGracePeriod(), context, bounds, steps);
		ShutdownForecast shutdownForecast = forecast.getIfAvailable();
		if (shutdownForecast != null) {
			metrics.publishForecast(shutdownForecast);
		}
		TaskTrackingPostProcessor tracking = taskTracking.getIfAvailable();
		if (tracking != null) {
			metrics.publishRejectedTasks(tracking);
		}
		return metrics;
	}

}
