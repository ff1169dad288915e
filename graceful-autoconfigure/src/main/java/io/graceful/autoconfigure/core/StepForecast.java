package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one step would face if a shutdown started now: the facts it sees (backlog,
 * requests in flight, connections in use, records buffered), what of it would not finish
 * within the step's time, and the verdict.
 *
 * @param step the step name, for example {@code background-work}
 * @param bound the time the step would get
 * @param verdict whether it fits
 * @param wouldCut how much would be cut ({@code 0} unless the verdict is
 * {@link Verdict#WOULD_CUT})
 * @param facts what the step sees now, by name
 * @param atRisk what would be cut, or why the step cannot tell
 * @since 0.1.0
 */
public record StepForecast(String step, Duration bound, Verdict verdict, long wouldCut, Map<String, Object> facts,
		List<String> atRisk) {

	public StepForecast {
		facts = Map.copyOf(facts);
		atRisk = List.copyOf(atRisk);
	}

	/**
	 * A step that would finish within its time.
	 * @param step the step name
	 * @param bound the time it would get
	 * @param facts what it sees now
	 * @return the forecast
	 */
	public static StepForecast fits(String step, Duration bound, Map<String, Object> facts) {
		return new StepForecast(step, bound, Verdict.FITS, 0, facts, List.of());
	}

	/**
	 * Whether a shutdown now would end this step without cutting anything.
	 */
	public enum Verdict {

		/**
		 * Everything would finish within the step's time.
		 */
		FITS,

		/**
		 * Some work would be cut.
		 */
		WOULD_CUT,

		/**
		 * The step cannot estimate it (no history, or what it would need is not tracked).
		 */
		UNKNOWN

	}

}
