package io.graceful.autoconfigure.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The one place that knows where a shutdown is: its state, the step running and every
 * step's result so far. Every step writes to it; the log summary, the actuator endpoint
 * and the metrics read from it. Steps never call each other.
 *
 * @since 0.1.0
 */
public final class ShutdownReport {

	private static final Log logger = LogFactory.getLog(ShutdownReport.class);

	private final Clock clock;

	private final List<StepResult> results = new CopyOnWriteArrayList<>();

	private final List<Consumer<StepResult>> listeners = new CopyOnWriteArrayList<>();

	private final Map<StepRecorder, Boolean> running = new ConcurrentHashMap<>();

	private final Map<String, String> alongside = new ConcurrentHashMap<>();

	private volatile ShutdownState state = ShutdownState.RUNNING;

	private volatile boolean carryOver = true;

	private volatile @Nullable Instant closeStarted;

	private volatile long closeStartedNanos;

	private volatile @Nullable String currentStep;

	public ShutdownReport() {
		this(Clock.systemUTC());
	}

	public ShutdownReport(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Mark the start of the shutdown. Only the first call counts.
	 * @return {@code true} if this call started it
	 */
	public synchronized boolean closeStarted() {
		if (this.closeStarted != null) {
			return false;
		}
		this.closeStartedNanos = nanoTime();
		this.closeStarted = this.clock.instant();
		return true;
	}

	/**
	 * Start recording a step.
	 * @param step the step name
	 * @param bound its bound, or {@code null}
	 * @return the recorder to finish the step with
	 */
	public StepRecorder begin(String step, @Nullable Duration bound) {
		return begin(step, bound, null);
	}

	/**
	 * Start recording one of the starter's steps, with its start and end lines written to
	 * the given logger (see {@link StepRecorder#started} and
	 * {@link StepRecorder#completed}).
	 * @param step the step
	 * @param bound its bound, or {@code null}
	 * @param logger where its lines go
	 * @return the recorder to finish the step with
	 */
	public StepRecorder begin(GracefulStep step, @Nullable Duration bound, Logger logger) {
		return begin(step.id(), bound, new StepLog(logger, step.title(), step.plural()));
	}

	/**
	 * Start recording a step whose start and end lines go to the given logger under the
	 * given title.
	 * @param step the step name
	 * @param title how its lines name it, for example
	 * {@code Shutdown step pricing-client}
	 * @param bound its bound, or {@code null}
	 * @param logger where its lines go
	 * @return the recorder to finish the step with
	 */
	public StepRecorder begin(String step, String title, @Nullable Duration bound, Logger logger) {
		return begin(step, bound, new StepLog(logger, title, false));
	}

	private StepRecorder begin(String step, @Nullable Duration bound, @Nullable StepLog log) {
		this.currentStep = step;
		Duration carried = (bound != null) ? carriedOver() : Duration.ZERO;
		StepRecorder recorder = new StepRecorder(this, step, bound, carried, this.clock.instant(), nanoTime(), log);
		this.running.put(recorder, Boolean.TRUE);
		return recorder;
	}

	void record(StepRecorder recorder, StepResult result) {
		this.running.remove(recorder);
		this.results.add(result);
		for (Consumer<StepResult> listener : this.listeners) {
			try {
				listener.accept(result);
			}
			catch (RuntimeException ex) {
				// a listener (metrics, tests) must never break a shutdown step
				logger.warn("Could not pass the result of step '" + result.step() + "' to " + listener, ex);
			}
		}
	}

	/**
	 * Whether steps get the time earlier steps of this shutdown left unused of their
	 * bounds ({@code graceful.carry-over}).
	 * @param carryOver {@code true} to carry unused time over
	 */
	public void setCarryOver(boolean carryOver) {
		this.carryOver = carryOver;
	}

	/**
	 * The time the finished steps of this shutdown left unused of their bounds, which the
	 * next step gets on top of its own bound. A step that overran its bound reduces it,
	 * so that the whole shutdown still ends within the sum the budget check verified; it
	 * is never negative, so every step keeps at least its own bound.
	 * @return the time carried over, zero when carry-over is off
	 */
	public Duration carriedOver() {
		if (!this.carryOver) {
			return Duration.ZERO;
		}
		// steps that run alongside each other leave what the longest bound leaves after
		// the longest of them
		Map<String, long[]> groups = new LinkedHashMap<>();
		for (StepResult result : this.results) {
			Duration bound = result.bound();
			if (bound != null) {
				long[] group = groups.computeIfAbsent(this.alongside.getOrDefault(result.step(), result.step()),
						(key) -> new long[] { Long.MIN_VALUE, Long.MIN_VALUE });
				group[0] = Math.max(group[0], bound.toNanos());
				group[1] = Math.max(group[1], result.duration().toNanos());
			}
		}
		long unused = 0;
		for (long[] group : groups.values()) {
			unused += group[0] - group[1];
		}
		return Duration.ofNanos(Math.max(0, unused));
	}

	/**
	 * Declare that a step runs alongside another one, in the same time: the time they
	 * leave unused counts once.
	 * @param step the step, for example {@code grpc-drain}
	 * @param other the step it runs alongside, for example {@code web-drain}
	 */
	public void runsAlongside(String step, String other) {
		this.alongside.put(step, this.alongside.getOrDefault(other, other));
	}

	/**
	 * Be told of every step result as it is recorded.
	 * @param listener the listener
	 */
	public void onStepResult(Consumer<StepResult> listener) {
		this.listeners.add(listener);
	}

	/**
	 * The web server has stopped: a shutdown still withdrawing or draining moves on to
	 * {@link ShutdownState#STOPPING}.
	 */
	public void webServerStopped() {
		ShutdownState state = this.state;
		if (state == ShutdownState.WITHDRAWING || state == ShutdownState.DRAINING) {
			this.state = ShutdownState.STOPPING;
		}
	}

	public void setState(ShutdownState state) {
		this.state = state;
	}

	public ShutdownState getState() {
		return this.state;
	}

	/**
	 * The step that started last, or {@code null} before the shutdown.
	 * @return the step name
	 */
	public @Nullable String getCurrentStep() {
		return this.currentStep;
	}

	/**
	 * The steps that began and have not finished yet, oldest first.
	 * @return their recorders
	 */
	public List<StepRecorder> getRunningSteps() {
		return this.running.keySet().stream().sorted(Comparator.comparingLong(StepRecorder::startNanos)).toList();
	}

	public List<StepResult> getResults() {
		return List.copyOf(this.results);
	}

	/**
	 * When the shutdown started, or {@code null} while running.
	 * @return the instant
	 */
	public @Nullable Instant getCloseStarted() {
		return this.closeStarted;
	}

	/**
	 * Time since the shutdown started, or zero while running.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		return (this.closeStarted != null) ? Duration.ofNanos(nanoTime() - this.closeStartedNanos) : Duration.ZERO;
	}

	long nanoTime() {
		return System.nanoTime();
	}

}
