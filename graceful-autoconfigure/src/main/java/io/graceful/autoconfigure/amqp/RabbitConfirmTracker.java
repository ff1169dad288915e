package io.graceful.autoconfigure.amqp;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.SocketConfigurator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.connection.PublisherCallbackChannel;

/**
 * What RabbitMQ publishing does during a shutdown: the channels Spring AMQP opened with
 * publisher confirms (created through {@link #createChannel}), how many of their confirms
 * the broker acked or nacked and how many were still pending when a channel shut down,
 * and, once the flush began, the sends it rejected (on an open channel, or when a new
 * connection was about to be opened: {@link #guard}).
 */
final class RabbitConfirmTracker {

	private static final Log logger = LogFactory.getLog(RabbitConfirmTracker.class);

	private final Set<ConfirmCountingChannel> open = ConcurrentHashMap.newKeySet();

	private final AtomicLong confirmed = new AtomicLong();

	private final AtomicLong nacked = new AtomicLong();

	private final AtomicLong unknown = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition settled = this.lock.newCondition();

	private volatile boolean rejecting;

	private volatile long rejectedAtFlushEnd = -1;

	PublisherCallbackChannel createChannel(Channel delegate, ExecutorService executor) {
		return new ConfirmCountingChannel(delegate, executor, this);
	}

	/**
	 * Wrap a client connection factory's socket configurator so that, once sends are
	 * rejected, a new connection fails before it connects.
	 * @param configurator the configurator in use
	 * @return the guarding configurator
	 */
	SocketConfigurator guard(SocketConfigurator configurator) {
		return (socket) -> {
			if (this.rejecting) {
				close(socket);
				reject("RabbitMQ connection for a send");
			}
			configurator.configure(socket);
		};
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// not connected yet
		}
	}

	void checkSend(String what) {
		if (this.rejecting) {
			reject(what);
		}
	}

	private void reject(String what) {
		long number = this.rejected.incrementAndGet();
		RabbitSendRejectedException exception = new RabbitSendRejectedException(what);
		if (number <= 10) {
			logger.warn(what + " rejected during shutdown (" + number + " so far): the RabbitMQ flush already began");
		}
		throw exception;
	}

	void opened(ConfirmCountingChannel channel) {
		this.open.add(channel);
	}

	void confirmed(int count) {
		this.confirmed.addAndGet(count);
		signal();
	}

	void nacked(int count) {
		this.nacked.addAndGet(count);
		signal();
	}

	void closed(ConfirmCountingChannel channel, int pending) {
		this.open.remove(channel);
		this.unknown.addAndGet(pending);
		signal();
	}

	private void signal() {
		this.lock.lock();
		try {
			this.settled.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Reject every send from now on.
	 */
	void reject() {
		this.rejecting = true;
	}

	/**
	 * Accept sends again (the context was started again after a stop).
	 */
	void resume() {
		this.rejecting = false;
		this.rejectedAtFlushEnd = -1;
	}

	/**
	 * The flush ended: sends rejected from now on are reported by {@link #reportLate()}.
	 */
	void flushEnded() {
		this.rejectedAtFlushEnd = this.rejected.get();
	}

	/**
	 * Log the sends rejected after the flush ended, once: called when a connection
	 * factory is destroyed, after every bean that depends on it (and so may still send
	 * from its own destruction).
	 */
	void reportLate() {
		long atFlushEnd = this.rejectedAtFlushEnd;
		if (atFlushEnd < 0) {
			return;
		}
		this.rejectedAtFlushEnd = -1;
		long all = this.rejected.get();
		if (all > atFlushEnd) {
			logger.warn(String.format("RabbitMQ: %d sends were rejected after the flush (%d in all during the "
					+ "shutdown); send before the shutdown reaches the RabbitMQ flush", all - atFlushEnd, all));
		}
	}

	long pending() {
		return this.open.stream().mapToLong(ConfirmCountingChannel::getPendingConfirmsCount).sum();
	}

	/**
	 * Wait until no channel has a confirm pending.
	 * @param timeout the longest wait
	 * @return whether none is pending
	 */
	boolean awaitSettled(long deadline) {
		this.lock.lock();
		try {
			while (pending() > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				// every change is counted before signal() takes the lock held here, so
				// none is missed between pending() and the wait
				this.settled.awaitNanos(left);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The channels with confirms still pending, described, for example
	 * {@code channel 1 on 127.0.0.1:5672 (200 confirms)}.
	 * @return the descriptions
	 */
	List<String> stillPending() {
		List<String> names = new ArrayList<>();
		for (ConfirmCountingChannel channel : this.open) {
			int pending = channel.getPendingConfirmsCount();
			if (pending > 0) {
				names.add("channel " + channel.getChannelNumber() + " on " + channel.getConnection().getAddress() + ":"
						+ channel.getConnection().getPort() + " (" + pending + " confirms)");
			}
		}
		return names;
	}

	/**
	 * Abort the connections of channels that still have confirms pending, waiting at most
	 * the given time for the broker: an unresponsive broker would otherwise hold Spring
	 * AMQP's close for its 30s close timeout.
	 * @param timeout the longest wait for each
	 */
	void abortPending(Duration timeout) {
		Set<com.rabbitmq.client.Connection> connections = ConcurrentHashMap.newKeySet();
		for (ConfirmCountingChannel channel : this.open) {
			if (channel.getPendingConfirmsCount() > 0) {
				connections.add(channel.getConnection());
			}
		}
		int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
		connections.forEach((connection) -> connection.abort(millis));
	}

	long confirmed() {
		return this.confirmed.get();
	}

	long nacked() {
		return this.nacked.get();
	}

	long unknown() {
		return this.unknown.get();
	}

	long rejected() {
		return this.rejected.get();
	}

}
