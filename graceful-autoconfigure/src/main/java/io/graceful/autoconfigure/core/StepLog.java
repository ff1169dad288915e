package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes a step's start and end lines: the sentence for people, rendered from the step's
 * result, and the same facts as key-value pairs, which Spring Boot's structured logging
 * (ECS, Logstash, GELF) carries as fields. The sentences are a documented contract
 * ({@code docs/observability.md}); the fields are what programs read.
 * <p>
 * Fields: {@code graceful.step.name}, {@code graceful.step.event} ({@code started},
 * {@code finished} or {@code warning}), {@code graceful.step.bound_ms},
 * {@code graceful.step.carried_over_ms}, and on {@code finished}
 * {@code graceful.step.outcome} and {@code graceful.step.duration_ms}; each count as
 * {@code graceful.step.count.<name>} and each kind of cut work as
 * {@code graceful.step.cut.<kind>}.
 */
final class StepLog {

	private final Logger logger;

	private final String title;

	private final boolean plural;

	StepLog(Logger logger, String title, boolean plural) {
		this.logger = logger;
		this.title = title;
		this.plural = plural;
	}

	void started(StepRecorder recorder, String facts, Map<String, Long> counts) {
		if (!this.logger.isInfoEnabled()) {
			return;
		}
		String line = this.title + " started: " + (facts.isEmpty() ? "" : facts + "; ")
				+ ((recorder.bound() != null) ? "waiting up to " + recorder.describeAllowance() : "no bound");
		LoggingEventBuilder event = fields(this.logger.atInfo(), recorder, "started");
		counts.forEach((name, value) -> event.addKeyValue("graceful.step.count." + name, value));
		event.log(line);
	}

	void warning(StepRecorder recorder, String sentence) {
		if (!this.logger.isWarnEnabled()) {
			return;
		}
		fields(this.logger.atWarn(), recorder, "warning").log(this.title + ": " + sentence);
	}

	void finished(StepRecorder recorder, StepResult result, @Nullable String consequence, @Nullable Throwable cause) {
		boolean warn = result.outcome() == StepOutcome.TIMED_OUT || result.outcome() == StepOutcome.FAILED;
		if (warn ? !this.logger.isWarnEnabled() : !this.logger.isInfoEnabled()) {
			return;
		}
		LoggingEventBuilder event = fields(warn ? this.logger.atWarn() : this.logger.atInfo(), recorder, "finished")
			.addKeyValue("graceful.step.outcome", result.outcome().label())
			.addKeyValue("graceful.step.duration_ms", result.duration().toMillis());
		result.counts().forEach((name, value) -> event.addKeyValue("graceful.step.count." + name, value));
		result.cut().forEach((kind, number) -> event.addKeyValue("graceful.step.cut." + kind, number));
		if (cause != null) {
			event.setCause(cause);
		}
		event.log(line(recorder, result, consequence));
	}

	String line(StepRecorder recorder, StepResult result, @Nullable String consequence) {
		String elapsed = Durations.format(Duration.ofMillis(result.duration().toMillis()));
		StringBuilder line = new StringBuilder(this.title);
		switch (result.outcome()) {
			case COMPLETED -> line.append(" finished in ").append(elapsed);
			case TIMED_OUT -> {
				line.append(this.plural ? " hit their " : " hit its ")
					.append(Durations.format(recorder.allowance()))
					.append(" bound");
				if (!recorder.carriedOver().isZero()) {
					line.append(" (").append(recorder.describeAllowance()).append(')');
				}
			}
			case FAILED -> line.append(" failed after ").append(elapsed);
			case SKIPPED -> line.append(" skipped");
		}
		String summary = result.summary();
		if (!summary.isEmpty()) {
			line.append((result.outcome() == StepOutcome.TIMED_OUT) ? "; " : ": ").append(summary);
		}
		if (result.outcome() == StepOutcome.TIMED_OUT) {
			appendNames(line, result.cutNames());
		}
		if (consequence != null && !consequence.isEmpty()) {
			line.append("; ").append(consequence);
		}
		if (result.outcome() == StepOutcome.TIMED_OUT || result.outcome() == StepOutcome.FAILED) {
			line.append("; shutdown continues");
		}
		return line.toString();
	}

	private static void appendNames(StringBuilder line, List<String> names) {
		if (names.isEmpty()) {
			return;
		}
		line.append(": ").append(CutNames.join(names));
	}

	private static LoggingEventBuilder fields(LoggingEventBuilder event, StepRecorder recorder, String kind) {
		event.addKeyValue("graceful.step.name", recorder.step()).addKeyValue("graceful.step.event", kind);
		Duration bound = recorder.bound();
		if (bound != null) {
			event.addKeyValue("graceful.step.bound_ms", bound.toMillis())
				.addKeyValue("graceful.step.carried_over_ms", recorder.carriedOver().toMillis());
		}
		return event;
	}

}
