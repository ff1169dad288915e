package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's structured console logging on, the summary carries its facts as
 * fields: nested in ECS, flat in Logstash.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredSummaryLoggingTests {

	// Spring Boot copies logging.structured.format.console into this system property,
	// where every later application in the JVM would find it
	private static final String STRUCTURED_FORMAT = LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT
		.getEnvironmentVariableName();

	private String structuredFormatBefore;

	@BeforeEach
	void rememberStructuredFormat() {
		this.structuredFormatBefore = System.getProperty(STRUCTURED_FORMAT);
	}

	@AfterEach
	void restorePlainLogging() throws Exception {
		if (this.structuredFormatBefore != null) {
			System.setProperty(STRUCTURED_FORMAT, this.structuredFormatBefore);
		}
		else {
			System.clearProperty(STRUCTURED_FORMAT);
		}
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		context.reset();
		new ContextInitializer(context).autoConfig();
	}

	@Test
	void ecsSummaryOfCleanShutdownHasNestedFields(CapturedOutput output) {
		runAndClose("ecs", CleanApp.class);
		DocumentContext json = summaryJson(output);
		assertThat(json.read("$.log.level", String.class)).isEqualTo("INFO");
		assertThat(json.read("$.log.logger", String.class)).isEqualTo(ShutdownSummary.LOGGER_NAME);
		assertThat(json.read("$.message", String.class)).startsWith("Graceful shutdown completed in ")
			.endsWith("; nothing was cut");
		assertThat(json.read("$.graceful.shutdown.clean", Boolean.class)).isTrue();
		assertThat(json.read("$.graceful.shutdown.duration_ms", Long.class)).isNotNegative();
		assertThat(json.read("$.graceful.shutdown.grace_period_ms", Long.class)).isEqualTo(30_000L);
		assertThat(json.read("$.graceful.shutdown.steps[*].name", List.class)).containsExactly("withdraw",
				"background-work", "sample-flush");
		assertThat(json.read("$.graceful.shutdown.steps[2].outcome", String.class)).isEqualTo("completed");
		assertThat(json.read("$.graceful.shutdown.steps[2].duration_ms", Long.class)).isNotNegative();
	}

	@Test
	void ecsSummaryOfShutdownThatCutWorkIsAWarningWithCutCounts(CapturedOutput output) {
		runAndClose("ecs", CuttingApp.class);
		DocumentContext json = summaryJson(output);
		assertThat(json.read("$.log.level", String.class)).isEqualTo("WARN");
		assertThat(json.read("$.message", String.class))
			.endsWith("; cut 3 records: orders-0, orders-1, orders-2; timed out: sample-flush");
		assertThat(json.read("$.graceful.shutdown.clean", Boolean.class)).isFalse();
		assertThat(json.read("$.graceful.shutdown.cut.records", Long.class)).isEqualTo(3L);
		assertThat(json.read("$.graceful.shutdown.steps[2].outcome", String.class)).isEqualTo("timed-out");
		assertThat(json.read("$.graceful.shutdown.steps[2].cut.records", Long.class)).isEqualTo(3L);
	}

	@Test
	void logstashSummaryHasFlatFields(CapturedOutput output) {
		runAndClose("logstash", CuttingApp.class);
		DocumentContext json = summaryJson(output);
		assertThat(json.read("$.level", String.class)).isEqualTo("WARN");
		assertThat(json.read("$['graceful.shutdown.clean']", Boolean.class)).isFalse();
		assertThat(json.read("$['graceful.shutdown.cut.records']", Long.class)).isEqualTo(3L);
		assertThat(json.read("$['graceful.shutdown.steps'][*].name", List.class)).containsExactly("withdraw",
				"background-work", "sample-flush");
	}

	@Test
	void logstashStepLinesCarryTheStepsFactsAsFlatFields(CapturedOutput output) {
		runAndClose("logstash", CuttingApp.class);
		DocumentContext cut = lineJson(output, "Sample flush hit its 2s bound");
		assertThat(cut.read("$.message", String.class)).isEqualTo(
				"Sample flush hit its 2s bound; 3 records not acknowledged: orders-0, orders-1, orders-2; shutdown "
						+ "continues");
		assertThat(cut.read("$.level", String.class)).isEqualTo("WARN");
		assertThat(cut.read("$['graceful.step.name']", String.class)).isEqualTo("sample-flush");
		assertThat(cut.read("$['graceful.step.event']", String.class)).isEqualTo("finished");
		assertThat(cut.read("$['graceful.step.outcome']", String.class)).isEqualTo("timed-out");
		assertThat(cut.read("$['graceful.step.bound_ms']", Long.class)).isEqualTo(2000L);
		assertThat(cut.read("$['graceful.step.duration_ms']", Long.class)).isNotNegative();
		assertThat(cut.read("$['graceful.step.cut.records']", Long.class)).isEqualTo(3L);
		DocumentContext withdraw = lineJson(output, "Withdraw started: ");
		assertThat(withdraw.read("$['graceful.step.name']", String.class)).isEqualTo("withdraw");
		assertThat(withdraw.read("$['graceful.step.event']", String.class)).isEqualTo("started");
		assertThat(withdraw.read("$['graceful.step.bound_ms']", Long.class)).isNotNull();
	}

	@Test
	void ecsStepLinesCarryTheStepsFactsAsNestedFields(CapturedOutput output) {
		runAndClose("ecs", CleanApp.class);
		DocumentContext flushed = lineJson(output, "Sample flush finished in ");
		assertThat(flushed.read("$.message", String.class)).endsWith(": 12 records flushed");
		assertThat(flushed.read("$.graceful.step.name", String.class)).isEqualTo("sample-flush");
		assertThat(flushed.read("$.graceful.step.outcome", String.class)).isEqualTo("completed");
		assertThat(flushed.read("$.graceful.step.count.records-flushed", Long.class)).isEqualTo(12L);
	}

	private static DocumentContext lineJson(CapturedOutput output, String message) {
		List<String> lines = output.getOut().lines().filter((line) -> line.contains(message)).toList();
		assertThat(lines).hasSize(1);
		assertThat(lines.get(0)).startsWith("{");
		return JsonPath.parse(lines.get(0));
	}

	private static void runAndClose(String format, Class<?> app) {
		new SpringApplicationBuilder(app).web(WebApplicationType.NONE)
			.properties("logging.structured.format.console=" + format, "spring.main.register-shutdown-hook=false",
					"graceful.carry-over=false")
			.run()
			.close();
	}

	private static DocumentContext summaryJson(CapturedOutput output) {
		List<String> lines = output.getOut()
			.lines()
			.filter((line) -> line.contains("Graceful shutdown completed in"))
			.toList();
		assertThat(lines).hasSize(1);
		assertThat(lines.get(0)).startsWith("{");
		return JsonPath.parse(lines.get(0));
	}

	/**
	 * Stands for a step of the starter that records into the report, for example the
	 * Kafka flush.
	 */
	static class SampleFlush implements SmartLifecycle {

		private final ShutdownReport report;

		private final boolean cut;

		private volatile boolean running;

		SampleFlush(ShutdownReport report, boolean cut) {
			this.report = report;
			this.cut = cut;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			StepRecorder recorder = this.report.begin("sample-flush", "Sample flush", Duration.ofSeconds(2),
					LoggerFactory.getLogger(SampleFlush.class));
			if (this.cut) {
				recorder.cut("records", 3, List.of("orders-0", "orders-1", "orders-2"))
					.timedOut("3 records not acknowledged");
			}
			else {
				recorder.count("records-flushed", 12).completed("12 records flushed");
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE + 1000;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ GracefulAutoConfiguration.class })
	static class CleanApp {

		@Bean
		SampleFlush sampleFlush(ShutdownReport report) {
			return new SampleFlush(report, false);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ GracefulAutoConfiguration.class })
	static class CuttingApp {

		@Bean
		SampleFlush sampleFlush(ShutdownReport report) {
			return new SampleFlush(report, true);
		}

	}

}
