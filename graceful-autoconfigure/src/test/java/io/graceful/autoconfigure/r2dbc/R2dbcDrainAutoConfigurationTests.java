package io.graceful.autoconfigure.r2dbc;

import java.time.Duration;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.budget.ShutdownBudgetAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.InvalidGracefulPropertyException;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the R2DBC drain is configured: bound, budget, validation and conditions.
 */
class R2dbcDrainAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
				ShutdownBudgetAutoConfiguration.class, R2dbcDrainAutoConfiguration.class));

	@Test
	void drainBoundDefaultsToTwoSecondsInTheDrainPhase() {
		this.runner.run((context) -> assertThat(context.getBean("r2dbcDrainShutdownBound", ShutdownBound.class))
			.isEqualTo(ShutdownBound.of("r2dbc-drain", "graceful.r2dbc-drain.timeout", Duration.ofSeconds(2),
					GracefulPhases.R2DBC_DRAIN)));
	}

	@Test
	void drainTimeoutMustBePositive() {
		this.runner.withPropertyValues("graceful.r2dbc-drain.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidGracefulPropertyException.class)
				.hasMessageContaining("graceful.r2dbc-drain.timeout");
		});
	}

	@Test
	void nothingIsConfiguredWithoutR2dbcPool() {
		this.runner.withClassLoader(new FilteredClassLoader(ConnectionPool.class))
			.run((context) -> assertThat(context).doesNotHaveBean(R2dbcDrainLifecycle.class)
				.doesNotHaveBean("r2dbcDrainShutdownBound"));
	}

	@Test
	void nothingIsConfiguredWhenGracefulIsDisabled() {
		this.runner.withPropertyValues("graceful.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(R2dbcDrainLifecycle.class)
				.doesNotHaveBean(GuardedPools.class));
	}

}
