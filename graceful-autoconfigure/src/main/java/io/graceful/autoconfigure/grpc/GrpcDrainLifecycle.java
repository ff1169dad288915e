package io.graceful.autoconfigure.grpc;

import io.graceful.autoconfigure.core.GracefulPhases;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * Spring gRPC's server lifecycle, moved from {@code Integer.MAX_VALUE} (where it refuses
 * new calls from the first millisecond of a shutdown) to the web drain's phase, where it
 * waits for the {@link GrpcDrain} without blocking the other lifecycles of the phase.
 * Spring gRPC's own stop then finds the server terminated (no second grace period) and
 * publishes its event.
 */
class GrpcDrainLifecycle extends GrpcServerLifecycle {

	private final GrpcDrain drain;

	private volatile boolean running;

	GrpcDrainLifecycle(GrpcServerFactory factory, ApplicationEventPublisher publisher, GrpcDrain drain) {
		super(factory, drain.timeout(), publisher);
		this.drain = drain;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WEB_DRAIN;
	}

	@Override
	public void stop(Runnable callback) {
		Thread thread = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "graceful-grpc-drain");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void start() {
		super.start();
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			this.drain.finish();
			super.stop();
		}
		finally {
			this.running = false;
		}
	}

	/**
	 * Running until stopped, also once the drain has shut the server down: Spring stops
	 * only the lifecycles that are running, and this one still waits for the calls in
	 * flight then.
	 */
	@Override
	public boolean isRunning() {
		return this.running;
	}

}
