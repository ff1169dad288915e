package io.graceful.autoconfigure.amqp;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.rabbitmq.client.AMQP.BasicProperties;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

import org.springframework.amqp.rabbit.connection.PendingConfirm;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelImpl;

/**
 * Spring AMQP's publisher callback channel, counting for {@link RabbitConfirmTracker}
 * what becomes of each pending confirm: acked or nacked by the broker, or still pending
 * when the channel shuts down (Spring AMQP then nacks it itself, although the broker may
 * well have the message: unknown). Rejects publishing once the tracker says so, before a
 * pending confirm is registered.
 */
class ConfirmCountingChannel extends PublisherCallbackChannelImpl {

	private final RabbitConfirmTracker tracker;

	private final AtomicBoolean shutDown = new AtomicBoolean();

	/**
	 * Held while a confirm is added and while one is processed, so the pending count
	 * before and after an ack differs only by what the ack settled.
	 */
	private final Object counting = new Object();

	ConfirmCountingChannel(Channel delegate, ExecutorService executor, RabbitConfirmTracker tracker) {
		super(delegate, executor);
		this.tracker = tracker;
		tracker.opened(this);
	}

	@Override
	public void addPendingConfirm(Listener listener, long sequence, PendingConfirm pendingConfirm) {
		this.tracker.checkSend("RabbitMQ send on channel " + getChannelNumber());
		synchronized (this.counting) {
			super.addPendingConfirm(listener, sequence, pendingConfirm);
		}
	}

	@Override
	public void basicPublish(String exchange, String routingKey, BasicProperties props, byte[] body)
			throws IOException {
		this.tracker.checkSend(describe(exchange, routingKey));
		super.basicPublish(exchange, routingKey, props, body);
	}

	@Override
	public void basicPublish(String exchange, String routingKey, boolean mandatory, boolean immediate,
			BasicProperties props, byte[] body) throws IOException {
		this.tracker.checkSend(describe(exchange, routingKey));
		super.basicPublish(exchange, routingKey, mandatory, immediate, props, body);
	}

	@Override
	public void basicPublish(String exchange, String routingKey, boolean mandatory, BasicProperties props, byte[] body)
			throws IOException {
		this.tracker.checkSend(describe(exchange, routingKey));
		super.basicPublish(exchange, routingKey, mandatory, props, body);
	}

	private static String describe(String exchange, String routingKey) {
		return "RabbitMQ send to exchange '" + exchange + "' with routing key '" + routingKey + "'";
	}

	@Override
	public void handleAck(long seq, boolean multiple) {
		int settled;
		synchronized (this.counting) {
			int before = getPendingConfirmsCount();
			super.handleAck(seq, multiple);
			settled = before - getPendingConfirmsCount();
		}
		this.tracker.confirmed(settled);
	}

	@Override
	public void handleNack(long seq, boolean multiple) {
		int settled;
		synchronized (this.counting) {
			int before = getPendingConfirmsCount();
			super.handleNack(seq, multiple);
			settled = before - getPendingConfirmsCount();
		}
		this.tracker.nacked(settled);
	}

	@Override
	public void close() throws IOException, TimeoutException {
		shutDown();
		super.close();
	}

	@Override
	public void shutdownCompleted(ShutdownSignalException cause) {
		shutDown();
		super.shutdownCompleted(cause);
	}

	private void shutDown() {
		if (this.shutDown.compareAndSet(false, true)) {
			int pending;
			synchronized (this.counting) {
				pending = getPendingConfirmsCount();
			}
			this.tracker.closed(this, pending);
		}
	}

}
