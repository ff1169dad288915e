package io.graceful.autoconfigure.jdbc;

import javax.sql.DataSource;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Drain DataSource pools before they close: connections in use are returned within a
 * bound instead of being aborted under running work.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass(name = "org.springframework.jdbc.datasource.DataSourceUtils")
@ConditionalOnBean(type = "javax.sql.DataSource")
@EnableConfigurationProperties(DataSourceDrainProperties.class)
public final class DataSourceDrainAutoConfiguration {

	@Bean
	DataSourceDrainLifecycle dataSourceDrainLifecycle(ConfigurableApplicationContext context, ShutdownReport report,
			DataSourceDrainProperties properties) {
		return new DataSourceDrainLifecycle(context, report, properties.getTimeout());
	}

	@Bean
	StepForecaster dataSourceDrainForecaster(DataSourceDrainLifecycle dataSourceDrainLifecycle) {
		return dataSourceDrainLifecycle::forecast;
	}

	@Bean
	ShutdownBound dataSourceDrainShutdownBound(DataSourceDrainProperties properties) {
		return ShutdownBound.of(GracefulStep.DATASOURCE_DRAIN, properties.getTimeout(),
				GracefulPhases.DATASOURCE_DRAIN);
	}

}
