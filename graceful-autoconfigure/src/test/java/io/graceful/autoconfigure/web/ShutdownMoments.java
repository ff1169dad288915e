package io.graceful.autoconfigure.web;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.GracefulPhases;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Takes the moments of a shutdown inside the JVM: when close starts (a
 * {@link ContextClosedEvent} listener registered before the application's beans, so it
 * runs ahead of the withdraw), when readiness turns REFUSING_TRAFFIC (a web context
 * publishes that itself just before the event), when the lifecycle phases begin (withdraw
 * is over) and when the web drain starts.
 */
final class ShutdownMoments implements ApplicationListener<ApplicationEvent>, Ordered {

	final CountDownLatch closeStarted = new CountDownLatch(1);

	final CountDownLatch withdrawEnded = new CountDownLatch(1);

	final CountDownLatch refusingTraffic = new CountDownLatch(1);

	volatile long closeStartedNanos;

	volatile long refusingTrafficNanos;

	volatile long withdrawEndedNanos;

	volatile long drainStartedNanos;

	private volatile CountDownLatch hold;

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent && this.closeStarted.getCount() > 0) {
			this.closeStartedNanos = System.nanoTime();
			this.closeStarted.countDown();
		}
		else if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.REFUSING_TRAFFIC && this.refusingTraffic.getCount() > 0) {
			this.refusingTrafficNanos = System.nanoTime();
			this.refusingTraffic.countDown();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Stops right after the withdraw lifecycle, when the withdraw is over.
	 */
	SmartLifecycle withdrawEndMarker() {
		return new Marker(GracefulPhases.WITHDRAW - 1, () -> {
			this.withdrawEndedNanos = System.nanoTime();
			this.withdrawEnded.countDown();
			CountDownLatch hold = this.hold;
			if (hold != null) {
				try {
					hold.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
	}

	/**
	 * Hold the shutdown between the end of the withdraw and the drain (at most 5s), so
	 * that a test can look at the server in between without racing the drain.
	 * @return the latch that lets the shutdown go on
	 */
	CountDownLatch holdAfterWithdraw() {
		CountDownLatch hold = new CountDownLatch(1);
		this.hold = hold;
		return hold;
	}

	/**
	 * Stops in the web drain phase, with Spring Boot's graceful web shutdown.
	 */
	SmartLifecycle drainStartMarker() {
		return new Marker(GracefulPhases.WEB_DRAIN, () -> this.drainStartedNanos = System.nanoTime());
	}

	private static final class Marker implements SmartLifecycle {

		private final int phase;

		private final Runnable onStop;

		private volatile boolean running;

		private Marker(int phase, Runnable onStop) {
			this.phase = phase;
			this.onStop = onStop;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.onStop.run();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
