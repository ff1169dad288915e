package io.graceful.autoconfigure.grpc;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.grpc.protobuf.services.HealthStatusManager;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * Keep Spring Boot's gRPC server serving through the withdraw, ask its connections to go
 * away while it does, and drain it alongside the web drain: Spring Boot's server
 * lifecycle is replaced before it starts.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class,
		afterName = { "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration",
				"org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass(GrpcServerLifecycle.class)
@ConditionalOnBean(GrpcServerFactory.class)
@EnableConfigurationProperties(GrpcDrainProperties.class)
public final class GrpcDrainAutoConfiguration {

	@Bean
	@GlobalServerInterceptor
	OpenGrpcCalls gracefulOpenGrpcCalls() {
		return new OpenGrpcCalls();
	}

	@Bean
	GrpcServerHolder gracefulGrpcServer() {
		return new GrpcServerHolder();
	}

	@Bean
	GrpcDrain gracefulGrpcDrain(GrpcServerHolder server, OpenGrpcCalls calls, ShutdownReport report,
			GrpcDrainProperties properties, LifecyclePhaseTimeout phaseTimeout) {
		report.runsAlongside(GracefulStep.GRPC_DRAIN.id(), GracefulStep.WEB_DRAIN.id());
		return new GrpcDrain(server, calls, report, properties.getTimeout(), phaseTimeout);
	}

	@Bean
	PhaseCallback gracefulGrpcDrainStart(GrpcDrain drain) {
		return new PhaseCallback(GracefulPhases.WEB_DRAIN_START, drain::started);
	}

	@Bean
	GrpcGoAwaySender gracefulGrpcGoAwaySender(GrpcServerHolder server) {
		return new GrpcGoAwaySender(server);
	}

	@Bean
	ShutdownBound grpcDrainShutdownBound(GrpcDrainProperties properties) {
		return ShutdownBound.ofPhase(GracefulStep.GRPC_DRAIN, properties.getTimeout(), GracefulPhases.WEB_DRAIN);
	}

	@Bean
	static GrpcLifecyclePostProcessor gracefulGrpcLifecyclePostProcessor(ObjectProvider<GrpcDrain> drain) {
		return new GrpcLifecyclePostProcessor(drain);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthStatusManager.class)
	static class GrpcHealthConfiguration {

		@Bean
		@ConditionalOnBean(HealthStatusManager.class)
		GrpcWithdrawHealth gracefulGrpcWithdrawHealth(HealthStatusManager healthStatusManager, ShutdownReport report) {
			return new GrpcWithdrawHealth(healthStatusManager, report);
		}

	}

}
