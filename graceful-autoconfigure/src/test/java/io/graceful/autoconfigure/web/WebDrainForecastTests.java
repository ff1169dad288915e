package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.List;

import io.graceful.autoconfigure.core.InFlightRequest;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecast;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web drain's forecast: a request in flight for longer than the drain's bound would
 * be cut by a shutdown starting now, and is named; the verdict fits again once it ends.
 */
class WebDrainForecastTests {

	@Test
	void aRequestInFlightLongerThanTheDrainBoundIsForecastAsCut() {
		InFlightRequests inFlight = new InFlightRequests();
		WebDrain drain = new WebDrain(inFlight, null, List.of(), new ShutdownReport(), Duration.ofMillis(200),
				new LifecyclePhaseTimeout(new DefaultListableBeanFactory()));
		InFlightRequest export = inFlight.begin("GET", "/export", true);
		assertThat(drain.forecast().verdict()).as("younger than the bound").isEqualTo(StepForecast.Verdict.FITS);
		await().atMost(Duration.ofSeconds(5)).until(() -> export.age().compareTo(Duration.ofMillis(200)) > 0);
		StepForecast forecast = drain.forecast();
		assertThat(forecast.verdict()).isEqualTo(StepForecast.Verdict.WOULD_CUT);
		assertThat(forecast.wouldCut()).isOne();
		assertThat(forecast.atRisk()).singleElement().asString().startsWith("GET /export (");
		assertThat(forecast.facts()).containsEntry("requestsInFlight", 1);
		inFlight.end(export);
		assertThat(drain.forecast().verdict()).isEqualTo(StepForecast.Verdict.FITS);
	}

}
