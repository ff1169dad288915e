package io.graceful.autoconfigure.report;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code graceful.forecast.cut}: how much a shutdown starting now would cut, computed
 * when scraped. Alert on it being above zero: a rollout now would lose work.
 */
final class ShutdownForecastMetrics implements MeterBinder {

	static final String CUT = "graceful.forecast.cut";

	private final ShutdownForecast forecast;

	ShutdownForecastMetrics(ShutdownForecast forecast) {
		this.forecast = forecast;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(CUT, this.forecast, (forecast) -> forecast.forecast().wouldCut())
			.description("Work a shutdown starting now would cut (tasks, requests); above 0, a rollout now would "
					+ "lose work")
			.register(registry);
	}

}
