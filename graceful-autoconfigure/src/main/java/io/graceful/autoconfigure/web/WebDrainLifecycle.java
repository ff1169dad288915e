package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Marks the start of the web drain: runs in the same phase as Spring Boot's graceful web
 * shutdown, completes open streams and logs what is in flight.
 */
class WebDrainLifecycle implements SmartLifecycle {

	private final WebDrain drain;

	private volatile boolean running;

	WebDrainLifecycle(WebDrain drain) {
		this.drain = drain;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.drain.started();
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
