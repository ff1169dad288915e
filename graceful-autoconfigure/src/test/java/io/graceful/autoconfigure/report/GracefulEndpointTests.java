package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class GracefulEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(GracefulAutoConfiguration.class, EndpointAutoConfiguration.class, GracefulEndpointAutoConfiguration.class));

	@Test
	void endpointIsNotAvailableUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(GracefulEndpoint.class));
	}

	@Test
	void endpointIsAvailableWhenExposedOverHttp() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=graceful")
			.run((context) -> assertThat(context).hasSingleBean(GracefulEndpoint.class));
	}

	@Test
	void endpointCanBeTurnedOff() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=graceful",
					"management.endpoint.graceful.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulEndpoint.class));
	}

	@Test
	void endpointShowsRunningStateBeforeShutdown() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=graceful").run((context) -> {
			GracefulEndpoint.GracefulDescriptor descriptor = context.getBean(GracefulEndpoint.class).graceful();
			assertThat(descriptor.state()).isEqualTo("RUNNING");
			assertThat(descriptor.currentStep()).isNull();
			assertThat(descriptor.elapsedMs()).isZero();
			assertThat(descriptor.remainingBudgetMs()).isEqualTo(30_000);
			assertThat(descriptor.inFlightRequests()).isEmpty();
			assertThat(descriptor.steps()).isEmpty();
		});
	}

	@Test
	void nothingWhenGracefulIsDisabled() {
		this.runner.withPropertyValues("graceful.enabled=false", "management.endpoints.web.exposure.include=graceful")
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulEndpoint.class));
	}

}
