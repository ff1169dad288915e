package io.graceful.autoconfigure.grpc;

import java.util.concurrent.atomic.AtomicBoolean;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.grpc.protobuf.services.HealthStatusManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * When close starts (before the withdraw's delay), the gRPC health service answers
 * {@code NOT_SERVING} for the server and every service at once, instead of following
 * actuator health on Spring Boot's schedule; later updates are ignored.
 * <p>
 * It follows the withdraw's readiness change, which the withdraw publishes before it
 * waits, rather than relying on running before the withdraw's own close listener (both
 * have the highest precedence); the close event itself covers a close without a withdraw.
 */
class GrpcWithdrawHealth implements SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(GrpcWithdrawHealth.class);

	private final HealthStatusManager healthStatusManager;

	private final ShutdownReport report;

	private final AtomicBoolean notServing = new AtomicBoolean();

	GrpcWithdrawHealth(HealthStatusManager healthStatusManager, ShutdownReport report) {
		this.healthStatusManager = healthStatusManager;
		this.report = report;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextClosedEvent.class.isAssignableFrom(eventType)
				|| AvailabilityChangeEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		boolean withdrawing = event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.REFUSING_TRAFFIC && this.report.getCloseStarted() != null;
		if ((withdrawing || event instanceof ContextClosedEvent) && this.notServing.compareAndSet(false, true)) {
			this.healthStatusManager.enterTerminalState();
			logger.info("gRPC health: NOT_SERVING for the server and every service; calls are still served");
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
