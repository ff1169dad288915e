package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecaster;
import io.graceful.autoconfigure.requests.InFlightRequests;
import io.graceful.autoconfigure.requests.OpenStreams;
import io.graceful.autoconfigure.requests.OpenWebSockets;
import io.graceful.autoconfigure.requests.RequestTrackingAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Bound and report Spring Boot's graceful web shutdown, and hand requests queued for a
 * worker thread to the application before it pauses the server.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { GracefulAutoConfiguration.class, RequestTrackingAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnClass(WebServerApplicationContext.class)
@EnableConfigurationProperties(WebDrainProperties.class)
public final class WebDrainAutoConfiguration {

	@Bean
	WebDrain webDrain(InFlightRequests inFlightRequests, ObjectProvider<OpenStreams> openStreams,
			ObjectProvider<OpenWebSockets> openWebSockets, ObjectProvider<QueuedRequests> queuedRequests,
			ShutdownReport report, WebDrainProperties properties, LifecyclePhaseTimeout phaseTimeout) {
		WebDrain drain = new WebDrain(inFlightRequests, openStreams.getIfAvailable(),
				queuedRequests.orderedStream().toList(), report, properties.getTimeout(), phaseTimeout);
		drain.closeWebSockets(openWebSockets.getIfAvailable(), properties.getWebSocketCloseTimeout());
		return drain;
	}

	@Bean
	StepForecaster webDrainForecaster(WebDrain webDrain) {
		return webDrain::forecast;
	}

	@Bean
	PhaseCallback webDrainStart(WebDrain webDrain) {
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_START, webDrain::started);
	}

	@Bean
	PhaseCallback webDrainEnd(WebDrain webDrain) {
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_END, webDrain::ended);
	}

	@Bean
	ShutdownBound webDrainShutdownBound(WebDrainProperties properties) {
		return ShutdownBound.ofPhase(GracefulStep.WEB_DRAIN, properties.getTimeout(), GracefulPhases.WEB_DRAIN);
	}

}
