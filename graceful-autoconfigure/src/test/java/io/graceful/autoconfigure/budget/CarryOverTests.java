package io.graceful.autoconfigure.budget;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.step.ShutdownStep;
import io.graceful.autoconfigure.step.ShutdownStepAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Carry-over through Spring's real lifecycle processor: a step gets, on top of its own
 * bound, what earlier steps of the same shutdown left unused; a phase graceful does not
 * own keeps its own cap and is not given time; the whole shutdown stays within the sum
 * the budget check verified.
 */
class CarryOverTests {

	private static final int FIRST = GracefulPhases.BACKGROUND_WORK - 10;

	private static final int NOT_OWNED = FIRST - 10;

	private static final int SECOND = NOT_OWNED - 10;

	private static final int THIRD = SECOND - 10;

	private static final int FOURTH = THIRD - 10;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
				ShutdownStepAutoConfiguration.class))
		.withPropertyValues("graceful.other-phases-timeout=1s")
		.withUserConfiguration(Steps.class);

	@Test
	void aStepGetsWhatEarlierStepsLeftUnusedAndTheShutdownStaysWithinTheCheckedSum() {
		this.runner.run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			Duration checked = context.getBean(ShutdownBudgetVerifier.class).budget().total();
			long start = System.nanoTime();
			((ConfigurableApplicationContext) context).close();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			StepResult first = result(report, "first");
			StepResult second = result(report, "second");
			StepResult third = result(report, "third");
			StepResult fourth = result(report, "fourth");
			// background work, the step before, had nothing to wait for
			assertThat(first.carriedOver()).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(3));
			assertThat(first.outcome()).isEqualTo(StepOutcome.COMPLETED);
			// and the first step used ~100ms of its 2s
			assertThat(second.carriedOver()).isBetween(Duration.ofMillis(3500), Duration.ofMillis(4950));
			assertThat(second.outcome()).as("needs 1.5s, has 1s + what the first left")
				.isEqualTo(StepOutcome.COMPLETED);
			assertThat(second.duration()).isGreaterThan(Duration.ofSeconds(1));
			assertThat(third.outcome()).as("needs 10s: cut at its allowance").isEqualTo(StepOutcome.TIMED_OUT);
			assertThat(third.duration()).isGreaterThanOrEqualTo(third.bound());
			// what was left went to the third step, which used all of it
			assertThat(fourth.carriedOver()).isLessThan(Duration.ofMillis(100));
			assertThat(fourth.outcome()).as("every step keeps at least its own bound").isEqualTo(StepOutcome.COMPLETED);
			assertThat(Steps.notOwnedTook).as("the phase graceful does not own kept its cap")
				.isLessThan(Duration.ofMillis(1500));
			assertThat(took).as("within the checked sum " + checked).isLessThan(checked);
		});
	}

	@Test
	void withoutCarryOverEveryStepKeepsExactlyItsOwnBound() {
		this.runner.withPropertyValues("graceful.carry-over=false").run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			((ConfigurableApplicationContext) context).close();
			StepResult second = result(report, "second");
			assertThat(second.carriedOver()).isZero();
			assertThat(second.outcome()).as("needs 1.5s, has 1s").isEqualTo(StepOutcome.TIMED_OUT);
		});
	}

	private static StepResult result(ShutdownReport report, String step) {
		List<StepResult> results = report.getResults().stream().filter((r) -> r.step().equals(step)).toList();
		assertThat(results).as(step).hasSize(1);
		return results.get(0);
	}

	@Configuration(proxyBeanMethods = false)
	static class Steps {

		static volatile Duration notOwnedTook = Duration.ZERO;

		@Bean
		ShutdownStep first() {
			return ShutdownStep.of("first", FIRST, Duration.ofSeconds(2), () -> pause(100));
		}

		@Bean
		SmartLifecycle notOwned() {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					long start = System.nanoTime();
					try {
						pause(300);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					this.running = false;
					notOwnedTook = Duration.ofNanos(System.nanoTime() - start);
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return NOT_OWNED;
				}

			};
		}

		@Bean
		ShutdownStep second() {
			return ShutdownStep.of("second", SECOND, Duration.ofSeconds(1), () -> pause(1500));
		}

		@Bean
		ShutdownStep third() {
			return ShutdownStep.of("third", THIRD, Duration.ofMillis(200), () -> pause(10_000));
		}

		@Bean
		ShutdownStep fourth() {
			return ShutdownStep.of("fourth", FOURTH, Duration.ofMillis(500), () -> pause(300));
		}

		/**
		 * Work that takes this long (or until interrupted at the step's allowance).
		 */
		private static void pause(long millis) throws InterruptedException {
			new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
		}

	}

}
