package io.graceful.autoconfigure.kafka;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Kafka steps of a graceful shutdown: listener containers stop, producers
 * are flushed, then closed.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("graceful.kafka")
public class KafkaShutdownProperties {

	/**
	 * Longest time listener containers may take to finish the records of their current
	 * poll and commit their offsets. Containers still running then are named in the log
	 * and left behind; their uncommitted records are delivered again after the restart.
	 */
	private Duration listenerTimeout = Duration.ofSeconds(2);

	/**
	 * Longest time all Kafka producers together may take to deliver the records they
	 * still buffer. Records not delivered by then are counted in the log.
	 */
	private Duration flushTimeout = Duration.ofSeconds(2);

	/**
	 * Longest time all Kafka producers together may take to close after the flush, in
	 * whole seconds (Spring Kafka's physical close timeout). Records still pending then
	 * fail.
	 */
	private Duration closeTimeout = Duration.ofSeconds(1);

	public Duration getListenerTimeout() {
		return this.listenerTimeout;
	}

	public void setListenerTimeout(Duration listenerTimeout) {
		this.listenerTimeout = listenerTimeout;
	}

	public Duration getFlushTimeout() {
		return this.flushTimeout;
	}

	public void setFlushTimeout(Duration flushTimeout) {
		this.flushTimeout = flushTimeout;
	}

	public Duration getCloseTimeout() {
		return this.closeTimeout;
	}

	public void setCloseTimeout(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
	}

}
