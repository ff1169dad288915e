package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/**
 * The shutdown forecast, read by the {@code graceful} endpoint and the
 * {@code graceful.forecast.cut} gauge.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
public final class ShutdownForecastAutoConfiguration {

	@Bean
	ShutdownForecast gracefulShutdownForecast(ObjectProvider<StepForecaster> forecasters, ShutdownReport report) {
		return new ShutdownForecast(() -> forecasters.orderedStream().toList(), report);
	}

}
