package io.graceful.autoconfigure.amqp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.Channel;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.listener.BlockingQueueConsumer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.DirectFieldAccessor;

/**
 * Processes what a {@link SimpleMessageListenerContainer} with acknowledge mode
 * {@code NONE} holds before Spring AMQP stops it. With {@code NONE} the broker forgets a
 * message the moment it sends it, and once the container is stopped Spring AMQP rejects
 * every message its consumers take from their local buffer
 * ({@code AbstractMessageListenerContainer.executeListenerAndHandleException} checks
 * {@code isRunning()}, which the stop clears at once): those messages are lost. So, while
 * the container still runs, each consumer is cancelled at the broker
 * ({@code basic.cancel} on its channel, from a thread of its own; not through the
 * consumer, which would end its loop when its buffer is momentarily empty and make the
 * container restart it), and the drain waits until the broker's {@code cancel-ok} has
 * reached each consumer (every delivery sent before it is then in the buffer), the
 * buffers are empty and no listener is running. Spring AMQP keeps no signal for any of
 * this, so the drain looks every 10ms. Reads private fields of Spring AMQP 4.1 (the
 * container's {@code consumers} and {@code consumersLock}; each consumer's {@code queue},
 * {@code consumers} and their {@code canceled} flag); when the container's are not there
 * the drain says so and does nothing.
 */
final class PrefetchDrain {

	private static final long POLL_NANOS = 10_000_000;

	private final List<Consumer> consumers;

	private PrefetchDrain(List<Consumer> consumers) {
		this.consumers = consumers;
	}

	/**
	 * Cancel the container's consumers at the broker, keeping the container running.
	 * @param container the container
	 * @param shutdownTimeoutMillis how long each consumer may wait to hand a delivery to
	 * its buffer from now on
	 * @return the drain, or {@code null} when the container's internals are not as
	 * expected
	 */
	static @Nullable PrefetchDrain cancel(SimpleMessageListenerContainer container, long shutdownTimeoutMillis) {
		List<Consumer> consumers = new ArrayList<>();
		try {
			DirectFieldAccessor containerFields = new DirectFieldAccessor(container);
			Lock lock = (Lock) containerFields.getPropertyValue("consumersLock");
			lock.lock();
			try {
				Object value = containerFields.getPropertyValue("consumers");
				if (value instanceof Set<?> set) {
					for (Object element : set) {
						if (element instanceof BlockingQueueConsumer consumer) {
							DirectFieldAccessor fields = new DirectFieldAccessor(consumer);
							consumers.add(new Consumer(consumer, (Collection<?>) fields.getPropertyValue("queue"),
									((Map<?, ?>) fields.getPropertyValue("consumers")).values()));
						}
					}
				}
			}
			finally {
				lock.unlock();
			}
		}
		catch (RuntimeException ex) {
			return null;
		}
		for (Consumer consumer : consumers) {
			consumer.consumer.setShutdownTimeout(shutdownTimeoutMillis);
		}
		// basic.cancel waits for the broker's answer, with the channel's RPC timeout (10
		// minutes by default): on a thread of its own, so a frozen broker holds the drain
		// only to its deadline
		Thread cancel = new Thread(() -> consumers.forEach(Consumer::cancel),
				"graceful-rabbitmq-cancel-" + container.getListenerId());
		cancel.setDaemon(true);
		cancel.start();
		return new PrefetchDrain(consumers);
	}

	/**
	 * Wait until every delivery the broker sent before the cancel is in a buffer, the
	 * buffers are empty and no listener of the container is running.
	 * @param processing how many messages the container's listeners are processing
	 * @param deadlineNanos the deadline on the {@link System#nanoTime()} scale
	 * @return whether the container was drained by the deadline
	 */
	boolean await(java.util.function.LongSupplier processing, long deadlineNanos) {
		while (!drained(processing)) {
			long left = deadlineNanos - System.nanoTime();
			if (left <= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			LockSupport.parkNanos(Math.min(POLL_NANOS, left));
		}
		return true;
	}

	/**
	 * Messages still in the consumers' buffers.
	 * @return the number
	 */
	long buffered() {
		return this.consumers.stream().mapToLong((consumer) -> consumer.buffer.size()).sum();
	}

	private boolean drained(java.util.function.LongSupplier processing) {
		for (Consumer consumer : this.consumers) {
			if (!consumer.buffer.isEmpty() || !consumer.cancelOkReceived()) {
				return false;
			}
		}
		return processing.getAsLong() == 0;
	}

	private record Consumer(BlockingQueueConsumer consumer, Collection<?> buffer, Collection<?> internals) {

		void cancel() {
			Channel channel = this.consumer.getChannel();
			for (String tag : this.consumer.getConsumerTags()) {
				try {
					if (channel.isOpen()) {
						channel.basicCancel(tag);
					}
				}
				catch (Exception ex) {
					// closed meanwhile: its deliveries are gone with it either way
				}
			}
		}

		boolean cancelOkReceived() {
			if (!this.consumer.getChannel().isOpen()) {
				return true;
			}
			try {
				for (Object internal : this.internals) {
					// set by handleCancelOk, which the client calls after every earlier
					// delivery
					if (!Boolean.TRUE.equals(new DirectFieldAccessor(internal).getPropertyValue("canceled"))) {
						return false;
					}
				}
			}
			catch (RuntimeException ex) {
				// no such flag: the empty buffer is all the drain can go by
			}
			return true;
		}

	}

}
