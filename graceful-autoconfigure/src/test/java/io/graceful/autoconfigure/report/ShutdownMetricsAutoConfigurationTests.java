package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class, MetricsAutoConfiguration.class,
				ShutdownMetricsAutoConfiguration.class, EndpointAutoConfiguration.class,
				GracefulEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=graceful");

	@Test
	void metricsAreBoundToTheRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(ShutdownMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("graceful.shutdown.budget").gauge().value()).isEqualTo(30.0);
			assertThat(registry.get("graceful.shutdown.budget.remaining").gauge().value()).isEqualTo(30.0);
			assertThat(registry.get("graceful.shutdown.cut").tag("kind", "records").counter().count()).isZero();
		});
	}

	@Test
	void noMetricsWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ShutdownMetrics.class));
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ShutdownMetrics.class));
	}

	@Test
	void noEndpointWithoutTheActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GracefulEndpoint.class));
	}

}
