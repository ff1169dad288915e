package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start and end lines every step gets from its recorder: one pattern for every
 * outcome, and the same facts as key-value pairs.
 */
class StepLogTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(StepLogTests.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final ShutdownReport report = new ShutdownReport();

	@BeforeEach
	void attach() {
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.logger.setLevel(Level.INFO);
	}

	@AfterEach
	void detach() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(null);
	}

	@Test
	void aStepThatCompletesLogsItsStartAndItsSummary() {
		StepRecorder recorder = this.report.begin(GracefulStep.WEB_DRAIN, Duration.ofSeconds(7), this.logger);
		recorder.count("requests-in-flight", 3).started("3 requests in flight");
		StepResult result = recorder.completed("3 requests were in flight, 0 cut");
		assertThat(messages()).containsExactly("Web drain started: 3 requests in flight; waiting up to 7s",
				"Web drain finished in " + Durations.format(Duration.ofMillis(result.duration().toMillis()))
						+ ": 3 requests were in flight, 0 cut");
		assertThat(fields(0)).containsEntry("graceful.step.name", "web-drain")
			.containsEntry("graceful.step.event", "started")
			.containsEntry("graceful.step.bound_ms", 7000L)
			.containsEntry("graceful.step.carried_over_ms", 0L)
			.containsEntry("graceful.step.count.requests-in-flight", 3L)
			.doesNotContainKey("graceful.step.outcome");
		assertThat(fields(1)).containsEntry("graceful.step.event", "finished")
			.containsEntry("graceful.step.outcome", "completed")
			.containsEntry("graceful.step.duration_ms", result.duration().toMillis());
		assertThat(this.appender.list).extracting(ILoggingEvent::getLevel).containsOnly(Level.INFO);
	}

	@Test
	void aStepThatHitsItsBoundNamesWhatItCutAndSaysTheShutdownGoesOn() {
		this.report.begin("withdraw", Duration.ofSeconds(3)).completed("");
		StepRecorder recorder = this.report.begin(GracefulStep.KAFKA_LISTENERS, Duration.ofSeconds(1), this.logger);
		List<String> names = IntStream.range(0, 12).mapToObj((i) -> "orders-" + i).toList();
		recorder.cut("consumers", 12, names)
			.timedOut("12 of 12 consumers still running", "their records are delivered again");
		ILoggingEvent event = this.appender.list.get(0);
		assertThat(event.getLevel()).isEqualTo(Level.WARN);
		assertThat(event.getFormattedMessage()).matches("Kafka listeners hit their [0-9.]+m?s bound \\(1s \\+ "
				+ "[0-9.]+m?s carried over\\); 12 of 12 consumers still running: orders-0, .*, orders-9 and 2 more; "
				+ "their records are delivered again; shutdown continues");
		assertThat(fields(0)).containsEntry("graceful.step.outcome", "timed-out")
			.containsEntry("graceful.step.cut.consumers", 12L);
	}

	@Test
	void failedAndSkippedStepsFollowThePatternToo() {
		IllegalStateException cause = new IllegalStateException("broker gone");
		this.report.begin("pricing-client", "Shutdown step pricing-client", Duration.ofSeconds(2), this.logger)
			.failed("IllegalStateException: broker gone", cause);
		this.report.begin(GracefulStep.DATASOURCE_DRAIN, Duration.ofSeconds(2), this.logger)
			.skipped("no open HikariCP pool");
		assertThat(messages().get(0)).matches(
				"Shutdown step pricing-client failed after [0-9.]+m?s: IllegalStateException: broker gone; shutdown "
						+ "continues");
		assertThat(this.appender.list.get(0).getThrowableProxy().getMessage()).isEqualTo("broker gone");
		assertThat(messages().get(1)).isEqualTo("DataSource drain skipped: no open HikariCP pool");
		assertThat(fields(1)).containsEntry("graceful.step.outcome", "skipped");
	}

	@Test
	void aWarningWhileTheStepRunsCarriesTheStepsName() {
		this.report.begin(GracefulStep.KAFKA_FLUSH, Duration.ofSeconds(2), this.logger)
			.warn("2 transactions are still open");
		assertThat(messages()).containsExactly("Kafka flush: 2 transactions are still open");
		assertThat(fields(0)).containsEntry("graceful.step.name", "kafka-flush")
			.containsEntry("graceful.step.event", "warning");
	}

	@Test
	void aRecorderWithoutALoggerWritesNothing() {
		this.report.begin("silent", Duration.ofSeconds(1)).started("x").completed("done");
		assertThat(this.appender.list).isEmpty();
	}

	private List<String> messages() {
		return new ArrayList<>(this.appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
	}

	private Map<String, Object> fields(int index) {
		List<KeyValuePair> pairs = this.appender.list.get(index).getKeyValuePairs();
		return pairs.stream().collect(Collectors.toMap((pair) -> pair.key, (pair) -> pair.value, (a, b) -> b));
	}

}
