package io.graceful.autoconfigure.kafka;

import io.graceful.autoconfigure.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Marks the start of the listener containers' stop, in the phase just before theirs:
 * names the consumers running.
 */
class KafkaListenersStoppingLifecycle implements SmartLifecycle {

	private final KafkaListenerShutdown shutdown;

	private volatile boolean running;

	KafkaListenersStoppingLifecycle(KafkaListenerShutdown shutdown) {
		this.shutdown = shutdown;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.shutdown.stopping();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.KAFKA_LISTENERS + 1;
	}

}
