package io.graceful.autoconfigure.r2dbc;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Drain R2DBC connection pools in the shutdown: wait until no connection is acquired,
 * within {@code graceful.r2dbc-drain.timeout}, close the pools, and refuse requests for a
 * connection after that with a clear error. Only when the application has an R2DBC
 * {@link ConnectionFactory} (Spring Boot's, or its own): with r2dbc-pool merely on the
 * class path the step's bound would count in the shutdown budget for nothing.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class,
		afterName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration")
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass(ConnectionPool.class)
@ConditionalOnBean(ConnectionFactory.class)
@EnableConfigurationProperties(R2dbcDrainProperties.class)
public final class R2dbcDrainAutoConfiguration {

	@Bean
	static GuardedPools gracefulR2dbcGuardedPools() {
		return new GuardedPools();
	}

	@Bean
	R2dbcDrainLifecycle gracefulR2dbcDrainLifecycle(ConfigurableApplicationContext context, GuardedPools pools,
			ShutdownReport report, R2dbcDrainProperties properties) {
		return new R2dbcDrainLifecycle(context, pools, report, properties.getTimeout());
	}

	@Bean
	ShutdownBound r2dbcDrainShutdownBound(R2dbcDrainProperties properties) {
		return ShutdownBound.of(GracefulStep.R2DBC_DRAIN, properties.getTimeout(), GracefulPhases.R2DBC_DRAIN);
	}

}
