package io.graceful.autoconfigure.report;

import java.util.ArrayList;
import java.util.List;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepForecaster;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * What a shutdown starting now would cut: every step's forecast and one verdict, computed
 * when the endpoint is read or the gauge scraped (no background thread). When the verdict
 * turns to "would cut" it logs a warning (again at most once a minute while it stays so),
 * and an info line when it fits again.
 *
 * @since 0.1.0
 */
public final class ShutdownForecast {

	private static final Log logger = LogFactory.getLog(ShutdownForecast.class);

	private static final long WARN_INTERVAL_NANOS = 60_000_000_000L;

	private final ObjectProvider<StepForecaster> forecasters;

	private final ShutdownReport report;

	private volatile @Nullable List<StepForecaster> resolved;

	private volatile Result last = new Result(List.of());

	private boolean wouldCut;

	private long lastWarnNanos;

	/**
	 * Create the forecast.
	 * @param forecasters the steps' forecasters, read when first needed
	 * @param report the report, whose state decides whether a forecast applies
	 */
	public ShutdownForecast(ObjectProvider<StepForecaster> forecasters, ShutdownReport report) {
		this.forecasters = forecasters;
		this.report = report;
	}

	/**
	 * Forecast every step now.
	 * @return the steps' forecasts and the verdict
	 */
	Result forecast() {
		if (this.report.getState() != ShutdownState.RUNNING) {
			// the shutdown itself is under way: what it cuts is in its report; the
			// forecasters' beans may be gone
			return this.last;
		}
		List<StepForecaster> forecasters = this.resolved;
		if (forecasters == null) {
			forecasters = this.forecasters.orderedStream().toList();
			this.resolved = forecasters;
		}
		List<StepForecast> steps = new ArrayList<>();
		for (StepForecaster forecaster : forecasters) {
			try {
				steps.add(forecaster.forecast());
			}
			catch (RuntimeException ex) {
				// the forecast must never break the endpoint or a scrape
				logger.debug("A step forecast failed; it is left out", ex);
			}
		}
		Result result = new Result(steps);
		this.last = result;
		noteVerdict(result);
		return result;
	}

	private synchronized void noteVerdict(Result result) {
		long now = System.nanoTime();
		if (result.wouldCut() > 0) {
			if (!this.wouldCut || now - this.lastWarnNanos > WARN_INTERVAL_NANOS) {
				this.lastWarnNanos = now;
				logger.warn(String.format(
						"A shutdown now would cut %d: %s; a rollout now would lose work, "
								+ "see /actuator/graceful (forecast)",
						result.wouldCut(), String.join("; ", result.atRisk())));
			}
			this.wouldCut = true;
		}
		else if (this.wouldCut) {
			this.wouldCut = false;
			logger.info("A shutdown now would cut nothing again: every step fits its time");
		}
	}

	/**
	 * Every step's forecast and the verdict.
	 *
	 * @param steps the steps' forecasts
	 */
	record Result(List<StepForecast> steps) {

		long wouldCut() {
			return this.steps.stream().mapToLong(StepForecast::wouldCut).sum();
		}

		String verdict() {
			long cut = wouldCut();
			if (cut > 0) {
				return "would cut " + cut;
			}
			boolean unknown = this.steps.stream().anyMatch((step) -> step.verdict() == StepForecast.Verdict.UNKNOWN);
			return unknown ? "fits, except what is unknown" : "fits";
		}

		List<String> atRisk() {
			List<String> atRisk = new ArrayList<>();
			for (StepForecast step : this.steps) {
				if (step.verdict() == StepForecast.Verdict.WOULD_CUT) {
					atRisk.add(step.step() + ": " + String.join(", ", step.atRisk()));
				}
			}
			return atRisk;
		}

	}

}
