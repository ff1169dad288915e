package io.graceful.autoconfigure.step;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.budget.ShutdownBudgetExceededException;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.report.GracefulEndpoint;
import io.graceful.autoconfigure.report.GracefulEndpointAutoConfiguration;
import io.graceful.autoconfigure.report.ShutdownMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownStepTests {

	private static final String SUMMARY_LOGGER = "io.graceful.autoconfigure.report.ShutdownSummary";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class, EndpointAutoConfiguration.class,
				GracefulEndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ShutdownMetricsAutoConfiguration.class,
				ShutdownStepAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=graceful");

	private final ListAppender<ILoggingEvent> summaryLog = new ListAppender<>();

	@BeforeEach
	void captureSummary() {
		this.summaryLog.start();
		((Logger) LoggerFactory.getLogger(SUMMARY_LOGGER)).addAppender(this.summaryLog);
	}

	@AfterEach
	void releaseSummary() {
		((Logger) LoggerFactory.getLogger(SUMMARY_LOGGER)).detachAppender(this.summaryLog);
	}

	@Test
	void completedStepIsReportedShownOnTheEndpointAndTimed() {
		this.runner.withUserConfiguration(CompletingStep.class).run((context) -> {
			assertThat(context).hasNotFailed();
			CompletingStep config = context.getBean(CompletingStep.class);
			Shutdown shutdown = Shutdown.of(context);
			context.close();
			assertThat(config.ran).isTrue();
			StepResult result = shutdown.result("flush-cache");
			assertThat(result.outcome()).isEqualTo(StepOutcome.COMPLETED);
			assertThat(result.bound()).isEqualTo(Duration.ofSeconds(2));
			assertThat(shutdown.report.getState()).isEqualTo(ShutdownState.STOPPED);
			DocumentContext json = shutdown.endpointJson();
			assertThat(json.read("$.state", String.class)).isEqualTo("STOPPED");
			assertThat(json.read("$.steps[?(@.step == 'flush-cache')].outcome", List.class))
				.containsExactly("completed");
			assertThat(json.read("$.budget.bounds[?(@.step == 'flush-cache')].durationMs", List.class))
				.containsExactly(2000);
			assertThat(shutdown.timerCount("flush-cache", "completed")).isEqualTo(1);
			ILoggingEvent summary = onlySummary();
			assertThat(summary.getLevel().toString()).isEqualTo("INFO");
			assertThat(summary.getFormattedMessage()).startsWith("Graceful shutdown completed in ")
				.contains("flush-cache ")
				.endsWith("; nothing was cut");
		});
	}

	@Test
	void stepThatOverrunsItsTimeoutIsInterruptedAndReportedTimedOut() {
		// without carry-over: background work, before it, would leave it its 3s
		this.runner.withUserConfiguration(HangingStep.class)
			.withPropertyValues("graceful.carry-over=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HangingStep config = context.getBean(HangingStep.class);
				Shutdown shutdown = Shutdown.of(context);
				long start = System.nanoTime();
				java.util.concurrent.CompletableFuture<Void> closed = java.util.concurrent.CompletableFuture
					.runAsync(context::close);
				assertThat(config.started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
				DocumentContext whileRunning = shutdown.endpointJson();
				assertThat(whileRunning.read("$.currentStep", String.class)).isEqualTo("hanging-client");
				assertThat(whileRunning.read("$.runningSteps[*].step", List.class)).containsExactly("hanging-client");
				assertThat(whileRunning.read("$.runningSteps[0].boundMs", Long.class)).isEqualTo(1000L);
				closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
				Duration closeTook = Duration.ofNanos(System.nanoTime() - start);
				assertThat(config.interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
				assertThat(closeTook).isLessThan(Duration.ofSeconds(5));
				StepResult result = shutdown.result("hanging-client");
				assertThat(result.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
				assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
				DocumentContext json = shutdown.endpointJson();
				assertThat(json.read("$.steps[?(@.step == 'hanging-client')].outcome", List.class))
					.containsExactly("timed-out");
				assertThat(shutdown.timerCount("hanging-client", "timed-out")).isEqualTo(1);
				ILoggingEvent summary = onlySummary();
				assertThat(summary.getLevel().toString()).isEqualTo("WARN");
				assertThat(summary.getFormattedMessage()).contains("hanging-client ")
					.contains(" timed-out (its thread was interrupted)")
					.endsWith("; timed out: hanging-client");
			});
	}

	@Test
	void stepThatThrowsIsReportedFailedAndTheShutdownGoesOn() {
		this.runner.withUserConfiguration(FailingStep.class, CompletingStep.class).run((context) -> {
			assertThat(context).hasNotFailed();
			CompletingStep later = context.getBean(CompletingStep.class);
			Shutdown shutdown = Shutdown.of(context);
			context.close();
			assertThat(later.ran).as("a later step still runs").isTrue();
			StepResult result = shutdown.result("broken-client");
			assertThat(result.outcome()).isEqualTo(StepOutcome.FAILED);
			assertThat(result.summary()).startsWith("IllegalStateException");
			DocumentContext json = shutdown.endpointJson();
			assertThat(json.read("$.steps[?(@.step == 'broken-client')].outcome", List.class))
				.containsExactly("failed");
			assertThat(shutdown.timerCount("broken-client", "failed")).isEqualTo(1);
			ILoggingEvent summary = onlySummary();
			assertThat(summary.getLevel().toString()).isEqualTo("WARN");
			assertThat(summary.getFormattedMessage()).contains("broken-client ").endsWith("; failed: broken-client");
		});
	}

	@Test
	void stepsRunInPhaseOrderAmongEachOther() {
		this.runner.withUserConfiguration(FailingStep.class, CompletingStep.class).run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			context.close();
			List<String> steps = report.getResults().stream().map(StepResult::step).toList();
			assertThat(steps).containsSubsequence("broken-client", "flush-cache");
		});
	}

	@Test
	void stepTimeoutCountsInTheBudgetCheck() {
		this.runner.withUserConfiguration(CompletingStep.class).run((context) -> {
			assertThat(context.getBeansOfType(ShutdownBound.class).values()).anySatisfy((bound) -> {
				assertThat(bound.step()).isEqualTo("flush-cache");
				assertThat(bound.duration()).isEqualTo(Duration.ofSeconds(2));
				assertThat(bound.phase()).isEqualTo(GracefulPhases.KAFKA_FLUSH + 10);
			});
		});
		this.runner.withUserConfiguration(CompletingStep.class)
			.withPropertyValues("graceful.grace-period=4s")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ShutdownBudgetExceededException.class)
				.hasMessageContaining("more than the grace period of 4s"));
	}

	@Test
	void applicationWithoutStepsGetsNoStepRegistrar() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ShutdownStepAutoConfiguration.class)
			.doesNotHaveBean("gracefulShutdownStepRegistrar"));
	}

	private ILoggingEvent onlySummary() {
		assertThat(this.summaryLog.list).hasSize(1);
		return this.summaryLog.list.get(0);
	}

	record Shutdown(ShutdownReport report, GracefulEndpoint endpoint, MeterRegistry registry) {

		static Shutdown of(AssertableApplicationContext context) {
			return new Shutdown(context.getBean(ShutdownReport.class), context.getBean(GracefulEndpoint.class),
					context.getBean(MeterRegistry.class));
		}

		StepResult result(String step) {
			return this.report.getResults()
				.stream()
				.filter((result) -> result.step().equals(step))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No result for " + step + " in " + this.report.getResults()));
		}

		DocumentContext endpointJson() {
			return JsonPath.parse(JsonMapper.builder().build().writeValueAsString(this.endpoint.graceful()));
		}

		long timerCount(String step, String outcome) {
			Timer timer = this.registry.find("graceful.shutdown.step")
				.tag("step", step)
				.tag("outcome", outcome)
				.timer();
			return (timer != null) ? timer.count() : 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CompletingStep {

		volatile boolean ran;

		@Bean
		ShutdownStep flushCache() {
			return ShutdownStep.of("flush-cache", GracefulPhases.KAFKA_FLUSH + 10, Duration.ofSeconds(2),
					() -> this.ran = true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HangingStep {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch interrupted = new CountDownLatch(1);

		@Bean
		ShutdownStep hangingClient() {
			return ShutdownStep.of("hanging-client", GracefulPhases.DATASOURCE_DRAIN - 10, Duration.ofSeconds(1),
					() -> {
						this.started.countDown();
						try {
							new CountDownLatch(1).await();
						}
						catch (InterruptedException ex) {
							this.interrupted.countDown();
						}
					});
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingStep {

		@Bean
		ShutdownStep brokenClient() {
			return ShutdownStep.of("broken-client", GracefulPhases.BACKGROUND_WORK - 10, Duration.ofSeconds(1), () -> {
				throw new IllegalStateException("connection refused");
			});
		}

	}

}
