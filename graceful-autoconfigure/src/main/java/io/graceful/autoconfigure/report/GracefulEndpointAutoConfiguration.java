package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.web.WebDrainAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * The {@code graceful} actuator endpoint, when the actuator is present and the endpoint
 * is available (enabled and exposed).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { GracefulAutoConfiguration.class, WebDrainAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(GracefulEndpoint.class)
public final class GracefulEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GracefulEndpoint gracefulEndpoint(ShutdownReport report, ObjectProvider<InFlightRequests> inFlightRequests,
			ObjectProvider<ShutdownBound> bounds, ObjectProvider<BoundedStep> steps, GracefulProperties properties,
			ObjectProvider<ApplicationAvailability> availability, ApplicationEventPublisher publisher,
			ObjectProvider<ShutdownForecast> forecast) {
		GracefulEndpoint endpoint = new GracefulEndpoint(report, inFlightRequests.getIfAvailable(),
				ShutdownBound.all(bounds, steps), properties, availability.getIfAvailable(), publisher);
		endpoint.setForecast(forecast.getIfAvailable());
		return endpoint;
	}

}
