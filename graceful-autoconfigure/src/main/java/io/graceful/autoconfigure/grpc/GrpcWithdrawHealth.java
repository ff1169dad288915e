package io.graceful.autoconfigure.grpc;

import io.grpc.protobuf.services.HealthStatusManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * When close starts (before the withdraw's delay), the gRPC health service answers
 * {@code NOT_SERVING} for the server and every service at once, instead of following
 * actuator health on Spring Boot's schedule; later updates are ignored.
 */
class GrpcWithdrawHealth implements ApplicationListener<ContextClosedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(GrpcWithdrawHealth.class);

	private final HealthStatusManager healthStatusManager;

	GrpcWithdrawHealth(HealthStatusManager healthStatusManager) {
		this.healthStatusManager = healthStatusManager;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.healthStatusManager.enterTerminalState();
		logger.info("gRPC health: NOT_SERVING for the server and every service; calls are still served");
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
