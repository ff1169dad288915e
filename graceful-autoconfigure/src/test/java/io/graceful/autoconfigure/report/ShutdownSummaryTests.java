package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownSummaryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class));

	private final ListAppender<ILoggingEvent> summaryLog = new ListAppender<>();

	@BeforeEach
	void captureSummary() {
		this.summaryLog.start();
		((Logger) LoggerFactory.getLogger(ShutdownSummary.LOGGER_NAME)).addAppender(this.summaryLog);
	}

	@AfterEach
	void releaseSummary() {
		((Logger) LoggerFactory.getLogger(ShutdownSummary.LOGGER_NAME)).detachAppender(this.summaryLog);
	}

	@Test
	void summaryIsWrittenAfterTheLastPhaseAndAfterBeansAreDestroyed() {
		List<String> order = new ArrayList<>();
		this.runner.withUserConfiguration(LateSteps.class).run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			report.onStepResult((result) -> order.add(result.step()));
			context.close();
			assertThat(report.getState()).isEqualTo(ShutdownState.STOPPED);
		});
		assertThat(this.summaryLog.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel().toString()).isEqualTo("INFO");
			assertThat(event.getFormattedMessage()).contains("producers-close ")
				.contains("pool-close ")
				.endsWith("; nothing was cut");
		});
		assertThat(order).containsSubsequence("producers-close", "pool-close");
	}

	@Test
	void stateIsStoppingAfterTheWebServerStopsAndStoppedAtTheEnd() {
		List<ShutdownState> states = new ArrayList<>();
		this.runner.withUserConfiguration(LateSteps.class).run((context) -> {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			report.onStepResult((result) -> states.add(report.getState()));
			context.close();
			assertThat(report.getState()).isEqualTo(ShutdownState.STOPPED);
		});
		// withdraw, background-work, producers-close, pool-close
		assertThat(states).containsExactly(ShutdownState.WITHDRAWING, ShutdownState.STOPPING, ShutdownState.STOPPING,
				ShutdownState.STOPPING);
	}

	@Test
	void summaryIsWrittenWithLazyInitialization() {
		this.runner.withPropertyValues("spring.main.lazy-initialization=true")
			.withInitializer((context) -> context
				.addBeanFactoryPostProcessor(new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> context.close());
		assertThat(this.summaryLog.list).hasSize(1);
	}

	@Test
	void noSummaryWhenTheContextNeverStartedShuttingDown() {
		this.runner.withPropertyValues("graceful.grace-period=0s").run((context) -> assertThat(context).hasFailed());
		assertThat(this.summaryLog.list).isEmpty();
	}

	@Test
	void summaryNamesEverythingCutAndWhatDidNotComplete() {
		ShutdownReport report = new ShutdownReport();
		report.closeStarted();
		report.begin("web-drain", Duration.ofSeconds(7))
			.cut("requests", 2, List.of("POST /orders (21.3s)", "GET /export (20.1s)"))
			.timedOut("5 requests in flight, 2 cut");
		report.begin("tasks", Duration.ofSeconds(3)).cut("tasks", 4, List.of()).timedOut("4 tasks cancelled");
		report.begin("my-step", Duration.ofSeconds(1)).failed("IllegalStateException after 3ms");
		ShutdownSummary.Facts facts = new ShutdownSummary.Facts(report.getResults(), Duration.ofMillis(9100),
				Duration.ofSeconds(30));
		assertThat(facts.clean()).isFalse();
		assertThat(facts.line()).startsWith("Graceful shutdown completed in 9.1s: web-drain ")
			.contains(" timed-out (5 requests in flight, 2 cut), tasks ")
			.endsWith("; cut 2 requests, 4 tasks: POST /orders (21.3s), GET /export (20.1s)"
					+ "; timed out: web-drain, tasks; failed: my-step");
	}

	@Test
	void shutdownLongerThanTheGracePeriodIsNotClean() {
		ShutdownSummary.Facts facts = new ShutdownSummary.Facts(List.of(), Duration.ofSeconds(31),
				Duration.ofSeconds(30));
		assertThat(facts.clean()).isFalse();
		assertThat(facts.line())
			.isEqualTo("Graceful shutdown completed in 31s, longer than the 30s grace period: " + "no step ran");
	}

	@Configuration(proxyBeanMethods = false)
	static class LateSteps {

		@Bean
		SmartLifecycle producersClose(ShutdownReport report) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					report.begin("producers-close", Duration.ofSeconds(1)).completed("2 producers closed");
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return Integer.MIN_VALUE;
				}

			};
		}

		@Bean
		DisposableBean poolClose(ShutdownReport report) {
			return () -> report.begin("pool-close", null).completed("pool closed");
		}

	}

}
