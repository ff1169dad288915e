package io.graceful.autoconfigure.r2dbc;

import java.time.Duration;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.budget.ShutdownBudgetExceededException;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.r2dbc.pool.ConnectionPool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the R2DBC drain is configured: bound, budget, validation and conditions.
 */
class R2dbcDrainAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, R2dbcAutoConfiguration.class,
				GracefulAutoConfiguration.class, R2dbcDrainAutoConfiguration.class))
		// a pool that never connected: creating it opens no connection
		.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://localhost:1/none", "spring.r2dbc.username=none");

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
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.r2dbc-drain.timeout");
		});
	}

	@Test
	void bootsPoolIsGuarded() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(ConnectionPool.class)
			.hasSingleBean(R2dbcDrainLifecycle.class)
			.getBean(GuardedPools.class)
			.satisfies((pools) -> assertThat(pools.names()).hasSize(1)));
	}

	@Test
	void nothingIsConfiguredAndNothingCountsInTheBudgetWithoutAConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
					R2dbcDrainAutoConfiguration.class))
			.withPropertyValues("graceful.grace-period=10s", "graceful.r2dbc-drain.timeout=9s")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(R2dbcDrainLifecycle.class)
				.doesNotHaveBean(GuardedPools.class)
				.doesNotHaveBean("r2dbcDrainShutdownBound"));
	}

	@Test
	void drainBoundCountsInTheShutdownBudget() {
		this.runner.withPropertyValues("graceful.grace-period=10s", "graceful.r2dbc-drain.timeout=9s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(ShutdownBudgetExceededException.class);
				assertThat(((ShutdownBudgetExceededException) context.getStartupFailure()).getBudget().describe())
					.contains("r2dbc-drain", "graceful.r2dbc-drain.timeout");
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
