package io.graceful.autoconfigure.budget;

import java.time.Duration;

import io.graceful.autoconfigure.CoreAutoConfigurations;
import io.graceful.autoconfigure.LifecycleTimeouts;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget check at startup: the defaults fit Kubernetes' 30s, a budget that does not
 * fit fails startup with an explanation (or warns), and Spring's per-phase shutdown
 * timeouts follow the bounds unless the user set
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownBudgetAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(CoreAutoConfigurations.CORE)
		.withPropertyValues("spring.main.cloud-platform=none");

	private final WebApplicationContextRunner kubernetes = this.runner
		.withPropertyValues("spring.main.cloud-platform=kubernetes");

	@Test
	void coreDefaultsFitTheBudgetOnKubernetes() {
		this.kubernetes.run((context) -> {
			assertThat(context).hasNotFailed();
			ShutdownBudget budget = budget(context);
			assertThat(budget.bounds()).extracting(ShutdownBound::step, ShutdownBound::duration)
				.containsExactly(bound("withdraw", 10), bound("web-drain", 7), bound("background-work", 3),
						bound("other phases", 1), bound("safety margin", 2));
			assertThat(budget.total()).isEqualTo(Duration.ofSeconds(23));
			assertThat(budget.gracePeriod()).isEqualTo(Duration.ofSeconds(30));
			assertThat(budget.fits()).isTrue();
		});
	}

	@Test
	void coreDefaultsWithTheDocumentedBoundsOfEveryOtherStepFillExactlyThirtySecondsOnKubernetes() {
		this.kubernetes.withUserConfiguration(OtherStepsAtTheirDocumentedDefaults.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ShutdownBudget budget = budget(context);
			assertThat(budget.bounds()).extracting(ShutdownBound::step)
				.containsExactly("withdraw", "kafka-listeners", "web-drain", "background-work", "datasource-drain",
						"kafka-flush", "kafka-producers-close", "other phases", "safety margin");
			assertThat(budget.total()).isEqualTo(Duration.ofSeconds(30));
			assertThat(budget.fits()).isTrue();
		});
	}

	@Test
	void aStepAlongsideTheWebDrainCountsOnceTheLongerOfTheTwo() {
		this.kubernetes
			.withBean("grpcDrainShutdownBound", ShutdownBound.class, () -> ShutdownBound.ofPhase("grpc-drain",
					"graceful.grpc-drain.timeout", Duration.ofSeconds(9), GracefulPhases.WEB_DRAIN))
			.run((context) -> {
				ShutdownBudget budget = budget(context);
				assertThat(budget.total())
					.as("withdraw 10 + the longer drain 9 + background work 3 + other 1 + margin 2")
					.isEqualTo(Duration.ofSeconds(25));
				assertThat(budget.describe())
					.containsPattern("web-drain\\s+7s\\s+graceful\\.web-drain\\.timeout \\(runs alongside grpc-drain, "
							+ "counted there\\)")
					.doesNotContainPattern("grpc-drain\\s+9s.*alongside");
				assertThat(LifecycleTimeouts.of(context).forPhase(GracefulPhases.WEB_DRAIN))
					.as("the phase waits for the longer of the two")
					.isEqualTo(Duration.ofSeconds(9));
			});
	}

	@Test
	void stepsAlongsideEachOtherWithTheSameBoundCountOnce() {
		this.kubernetes
			.withBean("grpcDrainShutdownBound", ShutdownBound.class, () -> ShutdownBound.ofPhase("grpc-drain",
					"graceful.grpc-drain.timeout", Duration.ofSeconds(7), GracefulPhases.WEB_DRAIN))
			.run((context) -> {
				assertThat(budget(context).total()).isEqualTo(Duration.ofSeconds(23));
				assertThat(budget(context).describe()).containsOnlyOnce("(runs alongside ");
			});
	}

	@Test
	void oneMoreSecondThanTheGracePeriodFailsStartup() {
		this.kubernetes.withUserConfiguration(OtherStepsAtTheirDocumentedDefaults.class)
			.withPropertyValues("graceful.web-drain.timeout=8s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(ShutdownBudgetExceededException.class)
					.hasMessage("The shutdown bounds add up to 31s, more than the grace period of 30s");
			});
	}

	@Test
	void budgetThatDoesNotFitFailsStartupWithEveryBoundAndWhatToChange() {
		this.kubernetes.withPropertyValues("graceful.grace-period=15s").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = new ShutdownBudgetFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("The worst case of a graceful shutdown (23s) does not fit the platform's grace period "
						+ "(15s); the platform would kill the process 8s before the last step ends:")
				.containsPattern("withdraw\\s+10s\\s+graceful\\.withdraw\\.delay")
				.containsPattern("web-drain\\s+7s\\s+graceful\\.web-drain\\.timeout")
				.containsPattern("background-work\\s+3s\\s+graceful\\.background-work\\.timeout")
				.containsPattern("other phases\\s+1s\\s+graceful\\.other-phases-timeout")
				.containsPattern("safety margin\\s+2s\\s+graceful\\.safety-margin")
				.containsPattern("total\\s+23s")
				.containsPattern("grace period\\s+15s\\s+graceful\\.grace-period");
			assertThat(analysis.getAction()).contains("Lower the bounds listed above by 8s in total")
				.contains("raise graceful.grace-period to at least 23s")
				.contains("terminationGracePeriodSeconds")
				.contains("graceful.budget-check=warn");
		});
	}

	@Test
	void budgetCheckWarnStartsAndLogsEveryBound(CapturedOutput output) {
		this.kubernetes.withPropertyValues("graceful.grace-period=15s", "graceful.budget-check=warn").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("The worst case of a graceful shutdown (23s) does not fit the grace "
					+ "period (15s); the platform may kill the process before the last step ends:");
			assertThat(output.toString()).containsPattern("withdraw\\s+10s\\s+graceful\\.withdraw\\.delay");
			assertThat(output.toString()).containsPattern("WARN");
		});
	}

	@Test
	void budgetThatFitsLogsNoWarning(CapturedOutput output) {
		this.kubernetes.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("does not fit");
		});
	}

	@Test
	void phaseTimeoutsFollowTheBounds() {
		this.runner.run((context) -> {
			LifecycleTimeouts timeouts = LifecycleTimeouts.of(context);
			assertThat(timeouts.forPhase(GracefulPhases.WEB_DRAIN)).isEqualTo(Duration.ofSeconds(7));
			assertThat(timeouts.defaultTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(timeouts.forPhase(GracefulPhases.WEB_STOP)).isEqualTo(Duration.ofSeconds(1));
			assertThat(timeouts.forPhase(GracefulPhases.WITHDRAW)).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void phaseTimeoutsFollowConfiguredBounds() {
		this.runner.withPropertyValues("graceful.web-drain.timeout=3s", "graceful.other-phases-timeout=500ms")
			.run((context) -> {
				LifecycleTimeouts timeouts = LifecycleTimeouts.of(context);
				assertThat(timeouts.forPhase(GracefulPhases.WEB_DRAIN)).isEqualTo(Duration.ofSeconds(3));
				assertThat(timeouts.defaultTimeout()).isEqualTo(Duration.ofMillis(500));
			});
	}

	@Test
	void phaseTimeoutOfAUserStepFollowsItsBound() {
		this.runner.withUserConfiguration(OtherStepsAtTheirDocumentedDefaults.class).run((context) -> {
			LifecycleTimeouts timeouts = LifecycleTimeouts.of(context);
			assertThat(timeouts.forPhase(GracefulPhases.KAFKA_LISTENERS)).isEqualTo(Duration.ofSeconds(2));
			// a step that bounds itself does not change its phase's timeout
			assertThat(timeouts.forPhase(GracefulPhases.DATASOURCE_DRAIN)).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void userPhaseTimeoutIsRespectedAndCountsForThePhasesGracefulDoesNotOwn() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=17s").run((context) -> {
			assertThat(context).hasNotFailed();
			LifecycleTimeouts timeouts = LifecycleTimeouts.of(context);
			assertThat(timeouts.defaultTimeout()).isEqualTo(Duration.ofSeconds(17));
			assertThat(timeouts.perPhase()).isEmpty();
			ShutdownBudget budget = budget(context);
			assertThat(budget.bounds())
				.extracting(ShutdownBound::step, ShutdownBound::property, ShutdownBound::duration)
				.contains(org.assertj.core.groups.Tuple.tuple("other phases",
						"spring.lifecycle.timeout-per-shutdown-phase", Duration.ofSeconds(17)));
			assertThat(budget.total()).isEqualTo(Duration.ofSeconds(29));
		});
	}

	@Test
	void userPhaseTimeoutCountsAgainstTheBudget() {
		this.kubernetes.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=30s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new ShutdownBudgetFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.containsPattern("other phases\\s+30s\\s+spring\\.lifecycle\\.timeout-per-shutdown-phase");
		});
	}

	@Test
	void userPhaseTimeoutShorterThanTheDrainTimeoutIsRejected() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=5s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessage("Property graceful.web-drain.timeout with value '7s' is invalid: it must not exceed "
						+ "spring.lifecycle.timeout-per-shutdown-phase (5s), which would cut the web-drain step early");
		});
	}

	@Test
	void eachPhaseGracefulDoesNotOwnAndInWhichABeanStopsAsynchronouslyCountsItsTimeout() {
		this.kubernetes.withBean("first", AsyncLifecycle.class, () -> new AsyncLifecycle(100))
			.withBean("second", AsyncLifecycle.class, () -> new AsyncLifecycle(200))
			.withBean("alongsideFirst", AsyncLifecycle.class, () -> new AsyncLifecycle(100))
			.withBean("synchronous", SyncLifecycle.class, () -> new SyncLifecycle(300))
			.withBean("inTheWebDrain", AsyncLifecycle.class, () -> new AsyncLifecycle(GracefulPhases.WEB_DRAIN))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShutdownBudget budget = budget(context);
				// phases 100 and 200 wait up to their timeout each; 300 stops
				// synchronously
				// and the web drain's phase is bounded by its own step
				assertThat(budget.bounds()).extracting(ShutdownBound::step, ShutdownBound::duration)
					.contains(bound("other phases (2)", 2));
				assertThat(budget.total()).isEqualTo(Duration.ofSeconds(24));
			});
	}

	@Test
	void springBootsExecutorsPauseIsOnePhase() {
		this.kubernetes
			.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
					org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration.class,
					org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration.class))
			.withUserConfiguration(SchedulingOn.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(budget(context).bounds()).extracting(ShutdownBound::step, ShutdownBound::duration)
					.contains(bound("other phases", 1));
			});
	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.scheduling.annotation.EnableScheduling
	static class SchedulingOn {

		@Bean
		org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler taskScheduler() {
			return new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
		}

	}

	static class SyncLifecycle implements org.springframework.context.SmartLifecycle {

		private final int phase;

		private volatile boolean running;

		SyncLifecycle(int phase) {
			this.phase = phase;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

	static class AsyncLifecycle extends SyncLifecycle {

		AsyncLifecycle(int phase) {
			super(phase);
		}

		@Override
		public void stop(Runnable callback) {
			stop();
			callback.run();
		}

	}

	private static ShutdownBudget budget(AssertableWebApplicationContext context) {
		return context.getBean(ShutdownBudgetVerifier.class).budget();
	}

	private static org.assertj.core.groups.Tuple bound(String step, int seconds) {
		return org.assertj.core.groups.Tuple.tuple(step, Duration.ofSeconds(seconds));
	}

	/**
	 * The bounds the other steps declare at their documented defaults (HELPERS.md: Kafka
	 * listeners 2s, DataSource 2s, Kafka flush 2s, Kafka producers close 1s), as the
	 * beans those steps contribute; background work (3s) is one of the core steps.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OtherStepsAtTheirDocumentedDefaults {

		@Bean
		ShutdownBound kafkaListenersBound() {
			return ShutdownBound.ofPhase("kafka-listeners", "graceful.kafka-listeners.timeout", Duration.ofSeconds(2),
					GracefulPhases.KAFKA_LISTENERS);
		}

		@Bean
		ShutdownBound dataSourceBound() {
			return ShutdownBound.of("datasource-drain", "graceful.datasource-drain.timeout", Duration.ofSeconds(2),
					GracefulPhases.DATASOURCE_DRAIN);
		}

		@Bean
		ShutdownBound kafkaFlushBound() {
			return ShutdownBound.of("kafka-flush", "graceful.kafka-flush.timeout", Duration.ofSeconds(2),
					GracefulPhases.KAFKA_FLUSH);
		}

		@Bean
		ShutdownBound kafkaProducersCloseBound() {
			return ShutdownBound.of("kafka-producers-close", "graceful.kafka-producers-close.timeout",
					Duration.ofSeconds(1), GracefulPhases.KAFKA_PRODUCERS_CLOSE + 1);
		}

	}

}
