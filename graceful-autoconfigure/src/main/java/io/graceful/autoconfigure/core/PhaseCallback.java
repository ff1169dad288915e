package io.graceful.autoconfigure.core;

import org.springframework.context.SmartLifecycle;

/**
 * Runs an action when Spring's lifecycle processor stops one phase: the way a step marks
 * a moment of the shutdown that a framework owns (the start and end of the web drain, of
 * the Kafka listener stop). The action must be quick; a step that waits is a lifecycle of
 * its own.
 *
 * @since 0.1.0
 */
public final class PhaseCallback implements SmartLifecycle {

	private final int phase;

	private final Runnable onStop;

	private volatile boolean running;

	/**
	 * Create a callback.
	 * @param phase the phase, usually relative to a {@link GracefulPhases} constant
	 * @param onStop what to do when the phase stops
	 */
	public PhaseCallback(int phase, Runnable onStop) {
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
