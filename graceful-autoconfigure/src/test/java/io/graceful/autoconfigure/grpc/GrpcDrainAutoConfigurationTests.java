package io.graceful.autoconfigure.grpc;

import java.time.Duration;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the gRPC drain applies: only with Spring Boot's network gRPC server, whose
 * lifecycle it moves to the web drain's phase, with a validated bound.
 */
class GrpcDrainAutoConfigurationTests {

	private final ApplicationContextRunner withServer = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class, GrpcDrainAutoConfiguration.class,
				GrpcServerAutoConfiguration.class, GrpcServerServicesAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withPropertyValues("spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1")
		.withBean(BindableService.class, () -> () -> ServerServiceDefinition.builder("test.Empty").build());

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulAutoConfiguration.class, GrpcDrainAutoConfiguration.class))
		.withPropertyValues("spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1");

	@Test
	void withoutAGrpcServerThereIsNoGrpcDrainAndNoBound() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(GrpcDrain.class);
			assertThat(context.getBeansOfType(ShutdownBound.class).values()).extracting(ShutdownBound::step)
				.doesNotContain("grpc-drain");
		});
	}

	@Test
	void springBootsGrpcServerLifecycleMovesToTheWebDrainPhaseWithItsBound() {
		this.withServer.run((context) -> {
			assertThat(context).hasNotFailed();
			SmartLifecycle lifecycle = context.getBean(GrpcServerLifecycle.class);
			assertThat(lifecycle).isInstanceOf(GrpcDrainLifecycle.class);
			assertThat(lifecycle.getPhase()).isEqualTo(GracefulPhases.WEB_DRAIN);
			assertThat(context.getBean("grpcDrainShutdownBound", ShutdownBound.class)).isEqualTo(ShutdownBound
				.ofPhase("grpc-drain", "graceful.grpc-drain.timeout", Duration.ofSeconds(7), GracefulPhases.WEB_DRAIN));
		});
	}

	@Test
	void aBoundThatIsNotPositiveFailsStartupNamingTheProperty() {
		this.withServer.withPropertyValues("graceful.grpc-drain.timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("graceful.grpc-drain.timeout"));
	}

}
