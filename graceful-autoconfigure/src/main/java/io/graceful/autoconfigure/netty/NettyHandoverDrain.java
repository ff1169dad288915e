package io.graceful.autoconfigure.netty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.graceful.autoconfigure.core.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * The wait for requests in flight that Reactor Netty skips once the hand-over closed its
 * server channel: {@code DisposableServer.disposeNow} returns at once for a server
 * channel that is no longer active. It runs in the phase of Spring Boot's own drain
 * ({@link GracefulPhases#WEB_DRAIN}), bounded by that phase's timeout, which the web
 * drain sets from its bound, and waits, as Reactor Netty would, until no connection has a
 * request in progress.
 */
class NettyHandoverDrain implements SmartLifecycle {

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final NettyConnections connections;

	private final NettyHandover handover;

	private volatile boolean running;

	NettyHandoverDrain(NettyConnections connections, NettyHandover handover) {
		this.connections = connections;
		this.handover = handover;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		if (!this.handover.listenerClosed()) {
			callback.run();
			return;
		}
		Thread waiting = new Thread(() -> {
			try {
				while (this.connections.requestsInProgress() > 0) {
					LockSupport.parkNanos(POLL_NANOS);
				}
			}
			finally {
				callback.run();
			}
		}, "graceful-netty-handover-drain");
		waiting.setDaemon(true);
		waiting.start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WEB_DRAIN;
	}

}
