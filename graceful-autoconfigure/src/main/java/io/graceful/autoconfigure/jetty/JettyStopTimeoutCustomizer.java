package io.graceful.autoconfigure.jetty;

import java.time.Duration;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.jetty.JettyServerCustomizer;

/**
 * Caps the stop timeout of Jetty's thread pool. When the server stops, the pool waits
 * half that timeout (5s by default) before it interrupts the requests still running, and
 * the whole timeout before it gives up on them: without a cap a straggler the drain
 * already cut would hold the shutdown past its budget.
 */
class JettyStopTimeoutCustomizer implements JettyServerCustomizer {

	private final Duration bound;

	JettyStopTimeoutCustomizer(Duration bound) {
		this.bound = bound;
	}

	@Override
	public void customize(Server server) {
		if (server.getThreadPool() instanceof QueuedThreadPool threadPool
				&& threadPool.getStopTimeout() > this.bound.toMillis()) {
			threadPool.setStopTimeout(this.bound.toMillis());
		}
	}

}
