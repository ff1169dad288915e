package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Marks the end of the web drain, in the phase right after it: whatever is still in
 * flight then is a straggler, named in the log before the server stops.
 */
class WebDrainEndLifecycle implements SmartLifecycle {

	private final WebDrain drain;

	private volatile boolean running;

	WebDrainEndLifecycle(WebDrain drain) {
		this.drain = drain;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.drain.ended();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WEB_DRAIN_END;
	}

}
