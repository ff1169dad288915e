package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.graceful.autoconfigure.core.CutNames;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The last word of a shutdown: one line that says what every step did and whether
 * anything was cut (INFO when nothing was, WARN otherwise), with the same facts as
 * key-value pairs so that Spring Boot's structured logging ({@code ecs},
 * {@code logstash}) carries them as fields. Written once, when the context destroys its
 * last bean.
 */
class ShutdownSummary {

	static final String LOGGER_NAME = "io.graceful.autoconfigure.report.ShutdownSummary";

	private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

	private final ShutdownReport report;

	private final Duration gracePeriod;

	private final AtomicBoolean written = new AtomicBoolean();

	ShutdownSummary(ShutdownReport report, Duration gracePeriod) {
		this.report = report;
		this.gracePeriod = gracePeriod;
	}

	/**
	 * Mark the shutdown {@link ShutdownState#STOPPED} and write the summary, once, if a
	 * shutdown took place.
	 */
	void shutdownEnded() {
		if (this.report.getCloseStarted() == null && this.report.getResults().isEmpty()) {
			return;
		}
		if (!this.written.compareAndSet(false, true)) {
			return;
		}
		Duration elapsed = this.report.elapsed();
		List<StepResult> results = this.report.getResults();
		this.report.setState(ShutdownState.STOPPED);
		Facts facts = new Facts(results, elapsed, this.gracePeriod);
		LoggingEventBuilder event = facts.clean() ? logger.atInfo() : logger.atWarn();
		event.addKeyValue("graceful.shutdown.duration_ms", elapsed.toMillis())
			.addKeyValue("graceful.shutdown.grace_period_ms", this.gracePeriod.toMillis())
			.addKeyValue("graceful.shutdown.clean", facts.clean());
		facts.cutByKind().forEach((kind, number) -> event.addKeyValue("graceful.shutdown.cut." + kind, number));
		event.addKeyValue("graceful.shutdown.steps", facts.steps()).log(facts.line());
	}

	/**
	 * The facts of a finished shutdown, and the sentence that states them.
	 */
	record Facts(List<StepResult> results, Duration elapsed, Duration gracePeriod) {

		boolean clean() {
			return cutByKind().isEmpty() && notCompleted(StepOutcome.TIMED_OUT).isEmpty()
					&& notCompleted(StepOutcome.FAILED).isEmpty() && !overGracePeriod();
		}

		boolean overGracePeriod() {
			return this.gracePeriod != null && this.elapsed.compareTo(this.gracePeriod) > 0;
		}

		Map<String, Long> cutByKind() {
			Map<String, Long> cut = new LinkedHashMap<>();
			for (String kind : List.of("requests", "tasks", "connections", "records")) {
				cut.put(kind, 0L);
			}
			this.results.forEach((result) -> result.cut().forEach((kind, n) -> cut.merge(kind, n, Long::sum)));
			cut.values().removeIf((n) -> n == 0);
			return cut;
		}

		List<String> notCompleted(StepOutcome outcome) {
			return this.results.stream().filter((result) -> result.outcome() == outcome).map(StepResult::step).toList();
		}

		List<Map<String, Object>> steps() {
			List<Map<String, Object>> steps = new ArrayList<>();
			for (StepResult result : this.results) {
				Map<String, Object> step = new LinkedHashMap<>();
				step.put("name", result.step());
				step.put("outcome", result.outcome().label());
				step.put("duration_ms", result.duration().toMillis());
				if (!result.carriedOver().isZero()) {
					step.put("carried_over_ms", result.carriedOver().toMillis());
				}
				if (result.summary() != null) {
					step.put("summary", result.summary());
				}
				if (!result.cut().isEmpty()) {
					step.put("cut", new LinkedHashMap<>(result.cut()));
				}
				steps.add(step);
			}
			return steps;
		}

		String line() {
			StringBuilder line = new StringBuilder("Graceful shutdown completed in ").append(format(this.elapsed));
			if (overGracePeriod()) {
				line.append(", longer than the ").append(format(this.gracePeriod)).append(" grace period");
			}
			line.append(": ");
			if (this.results.isEmpty()) {
				line.append("no step ran");
			}
			List<String> steps = new ArrayList<>();
			for (StepResult result : this.results) {
				StringBuilder step = new StringBuilder(result.step()).append(' ').append(format(result.duration()));
				if (result.outcome() != StepOutcome.COMPLETED) {
					step.append(' ').append(result.outcome().label());
				}
				if (!result.carriedOver().isZero()) {
					step.append(" of ")
						.append(format(result.bound()))
						.append(" + ")
						.append(format(result.carriedOver()))
						.append(" carried over");
				}
				if (result.summary() != null && !result.summary().isEmpty()) {
					step.append(" (").append(result.summary()).append(')');
				}
				steps.add(step.toString());
			}
			line.append(String.join(", ", steps));
			if (clean()) {
				return line.append("; nothing was cut").toString();
			}
			Map<String, Long> cut = cutByKind();
			if (!cut.isEmpty()) {
				List<String> parts = new ArrayList<>();
				cut.forEach((kind, number) -> parts.add(number + " " + kind));
				line.append("; cut ").append(String.join(", ", parts));
				List<String> names = this.results.stream().flatMap((result) -> result.cutNames().stream()).toList();
				if (!names.isEmpty()) {
					line.append(": ").append(CutNames.join(names));
				}
			}
			List<String> timedOut = notCompleted(StepOutcome.TIMED_OUT);
			if (!timedOut.isEmpty()) {
				line.append("; timed out: ").append(String.join(", ", timedOut));
			}
			List<String> failed = notCompleted(StepOutcome.FAILED);
			if (!failed.isEmpty()) {
				line.append("; failed: ").append(String.join(", ", failed));
			}
			return line.toString();
		}

		private static String format(Duration duration) {
			return Durations.format(Duration.ofMillis(duration.toMillis()));
		}

	}

}
