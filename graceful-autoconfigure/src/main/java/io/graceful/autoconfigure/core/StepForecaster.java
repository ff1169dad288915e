package io.graceful.autoconfigure.core;

/**
 * Tells what its step would face if a shutdown started now. Declared as a bean by each
 * step that can tell; read by the {@code graceful} endpoint's forecast and the
 * {@code graceful.forecast.cut} gauge, only when they are read. Must be cheap and must
 * not throw: a step that cannot estimate says {@link StepForecast.Verdict#UNKNOWN}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface StepForecaster {

	/**
	 * What the step would face now.
	 * @return the forecast
	 */
	StepForecast forecast();

}
