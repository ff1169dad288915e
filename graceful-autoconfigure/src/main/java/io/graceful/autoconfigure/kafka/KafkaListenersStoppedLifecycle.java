package io.graceful.autoconfigure.kafka;

import io.graceful.autoconfigure.GracefulPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Marks the end of the listener containers' stop, in the phase just after theirs (which
 * the lifecycle processor ends at the listener timeout): names consumers still running.
 */
class KafkaListenersStoppedLifecycle implements SmartLifecycle {

	private final KafkaListenerShutdown shutdown;

	private volatile boolean running;

	KafkaListenersStoppedLifecycle(KafkaListenerShutdown shutdown) {
		this.shutdown = shutdown;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.shutdown.stopped();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.KAFKA_LISTENERS - 1;
	}

}
