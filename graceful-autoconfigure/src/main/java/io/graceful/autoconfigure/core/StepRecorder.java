package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Records one running step; obtained from {@link ShutdownReport#begin}. Finish it exactly
 * once with one of {@link #completed}, {@link #timedOut}, {@link #failed} or
 * {@link #skipped}.
 *
 * @since 0.1.0
 */
public final class StepRecorder {

	private final ShutdownReport report;

	private final String step;

	private final @Nullable Duration bound;

	private final Duration carriedOver;

	private final Instant started;

	private final long startNanos;

	private final @Nullable StepLog log;

	private final Map<String, Long> counts = new LinkedHashMap<>();

	private final Map<String, Long> cut = new LinkedHashMap<>();

	private final List<String> cutNames = new ArrayList<>();

	private boolean finished;

	StepRecorder(ShutdownReport report, String step, @Nullable Duration bound, Duration carriedOver, Instant started,
			long startNanos, @Nullable StepLog log) {
		this.report = report;
		this.log = log;
		this.step = step;
		this.bound = bound;
		this.carriedOver = carriedOver;
		this.started = started;
		this.startNanos = startNanos;
	}

	public String step() {
		return this.step;
	}

	/**
	 * The bound the step has.
	 * @return the bound, or {@code null} when it has none
	 */
	public @Nullable Duration bound() {
		return this.bound;
	}

	/**
	 * The time earlier steps left unused, which this step gets on top of its bound.
	 * @return the time carried over, zero when there is none or carry-over is off
	 */
	public Duration carriedOver() {
		return this.carriedOver;
	}

	/**
	 * How long the step may take: its bound plus the time carried over to it.
	 * @return the step's allowance, or {@code null} when it has no bound
	 */
	public @Nullable Duration allowance() {
		return (this.bound != null) ? this.bound.plus(this.carriedOver) : null;
	}

	/**
	 * The {@link System#nanoTime()} by which the step must end: its start plus its
	 * allowance.
	 * @return the deadline, in nano time
	 * @throws IllegalStateException when the step has no bound
	 */
	public long deadlineNanos() {
		Duration allowance = allowance();
		if (allowance == null) {
			throw new IllegalStateException("Step '" + this.step + "' has no bound");
		}
		return this.startNanos + allowance.toNanos();
	}

	/**
	 * How the step's start line names what it may take, for example {@code 3s} or
	 * {@code 3s + 6.9s carried over}.
	 * @return the text
	 */
	public String describeAllowance() {
		if (this.bound == null) {
			return "no bound";
		}
		return Durations.format(this.bound)
				+ (this.carriedOver.isZero() ? "" : " + " + Durations.format(this.carriedOver) + " carried over");
	}

	long startNanos() {
		return this.startNanos;
	}

	/**
	 * Time since the step started.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		return Duration.ofNanos(this.report.nanoTime() - this.startNanos);
	}

	/**
	 * Record a fact as a number.
	 * @param name the name, for example {@code requests-in-flight}
	 * @param value the value
	 * @return this recorder
	 */
	public synchronized StepRecorder count(String name, long value) {
		this.counts.put(name, value);
		return this;
	}

	/**
	 * Record something that was cut.
	 * @param kind {@code requests}, {@code tasks}, {@code connections} or {@code records}
	 * @param number how many
	 * @param names their names where known
	 * @return this recorder
	 */
	public synchronized StepRecorder cut(String kind, long number, List<String> names) {
		if (number > 0) {
			this.cut.merge(kind, number, Long::sum);
			this.cutNames.addAll(names);
		}
		return this;
	}

	/**
	 * Log the step's start line, for example {@code Web drain started: 3 requests in
	 * flight; waiting up to 7s}, with the counts recorded so far as fields. Does nothing
	 * for a recorder that does not log.
	 * @param facts what the step faces, for example {@code 3 requests in flight}; empty
	 * for none
	 * @return this recorder
	 */
	public StepRecorder started(String facts) {
		if (this.log != null) {
			this.log.started(this, facts, countsSoFar());
		}
		return this;
	}

	/**
	 * Log a warning about the running step, for example {@code Kafka flush: 2
	 * transactions are still open}, with the step's fields.
	 * @param sentence what the operator should know
	 * @return this recorder
	 */
	public StepRecorder warn(String sentence) {
		if (this.log != null) {
			this.log.warning(this, sentence);
		}
		return this;
	}

	/**
	 * Finish the step as done within its bound.
	 * @param summary what it did, for example {@code 3 requests were in flight, 0 cut};
	 * the end line reads {@code <Step> finished in <time>: <summary>}
	 * @return the result
	 */
	public StepResult completed(String summary) {
		return finish(StepOutcome.COMPLETED, summary, null, null);
	}

	/**
	 * Finish the step as cut at its bound.
	 * @param summary what was cut, for example {@code cut 2 requests}; the end line reads
	 * {@code <Step> hit its <bound> bound; <summary>: <names cut>; shutdown
	 * continues}
	 * @return the result
	 */
	public StepResult timedOut(String summary) {
		return finish(StepOutcome.TIMED_OUT, summary, null, null);
	}

	/**
	 * Finish the step as cut at its bound, with what that means for the cut work.
	 * @param summary what was cut
	 * @param consequence what happens to it, for example {@code they are delivered again
	 * after the restart}; in the log line only
	 * @return the result
	 */
	public StepResult timedOut(String summary, String consequence) {
		return finish(StepOutcome.TIMED_OUT, summary, consequence, null);
	}

	public StepResult failed(String summary) {
		return finish(StepOutcome.FAILED, summary, null, null);
	}

	/**
	 * Finish the step as failed.
	 * @param summary what failed
	 * @param cause the exception, logged with the end line
	 * @return the result
	 */
	public StepResult failed(String summary, @Nullable Throwable cause) {
		return finish(StepOutcome.FAILED, summary, null, cause);
	}

	public StepResult skipped(String summary) {
		return finish(StepOutcome.SKIPPED, summary, null, null);
	}

	private synchronized Map<String, Long> countsSoFar() {
		return new LinkedHashMap<>(this.counts);
	}

	private StepResult finish(StepOutcome outcome, String summary, @Nullable String consequence,
			@Nullable Throwable cause) {
		StepResult result = record(outcome, summary);
		if (this.log != null) {
			this.log.finished(this, result, consequence, cause);
		}
		return result;
	}

	private synchronized StepResult record(StepOutcome outcome, String summary) {
		if (this.finished) {
			throw new IllegalStateException("Step '" + this.step + "' was already finished");
		}
		this.finished = true;
		StepResult result = new StepResult(this.step, this.started, elapsed(), this.bound, this.carriedOver, outcome,
				summary, this.counts, this.cut, this.cutNames);
		this.report.record(this, result);
		return result;
	}

}
