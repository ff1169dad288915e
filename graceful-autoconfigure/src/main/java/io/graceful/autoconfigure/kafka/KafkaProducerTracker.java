package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.producer.Producer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.ProducerPostProcessor;

/**
 * Knows every producer the application's producer factories created and what became of
 * their records. Registered on each {@link DefaultKafkaProducerFactory} as a
 * {@link ProducerPostProcessor}, so it also reaches thread-bound and transactional
 * producers that {@code KafkaTemplate.flush()} never sees. Once the shutdown began the
 * flush, it rejects new sends and new producers: Spring Kafka would otherwise create a
 * new producer after it stopped, one that is never closed and loses its records at exit.
 */
final class KafkaProducerTracker {

	private static final Log logger = LogFactory.getLog(KafkaProducerTracker.class);

	private final Set<DefaultKafkaProducerFactory<?, ?>> factories = ConcurrentHashMap.newKeySet();

	private final Set<TrackedProducer<?, ?>> open = ConcurrentHashMap.newKeySet();

	private final AtomicLong acknowledged = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private final AtomicLong closedDuringShutdown = new AtomicLong();

	private final AtomicLong transactionsAborted = new AtomicLong();

	private final AtomicLong transactionRecordsAborted = new AtomicLong();

	private volatile boolean rejecting;

	private volatile Duration closeTimeout;

	private long closeDeadlineNanos;

	private boolean closeStarted;

	/**
	 * Track the producers a factory creates from now on. Calling it again for the same
	 * factory has no effect.
	 * @param factory the factory
	 */
	<K, V> void register(DefaultKafkaProducerFactory<K, V> factory) {
		if (this.factories.add(factory)) {
			factory.addPostProcessor(this::track);
		}
	}

	<K, V> Producer<K, V> track(Producer<K, V> producer) {
		if (this.rejecting) {
			try {
				producer.close(Duration.ZERO);
			}
			catch (RuntimeException ex) {
				logger.debug("Failed to close a Kafka producer created after the flush", ex);
			}
			reject(null);
		}
		TrackedProducer<K, V> tracked = new TrackedProducer<>(producer, this);
		this.open.add(tracked);
		return tracked;
	}

	void checkAccepting(String topic) {
		if (this.rejecting) {
			reject(topic);
		}
	}

	private void reject(String topic) {
		long number = this.rejected.incrementAndGet();
		KafkaSendRejectedException ex = new KafkaSendRejectedException(topic);
		if (number == 1) {
			logger.warn(ex.getMessage() + "; further rejections are counted in the report");
		}
		throw ex;
	}

	void outcome(boolean success) {
		(success ? this.acknowledged : this.failed).incrementAndGet();
	}

	/**
	 * From now on, reject every send and every new producer, and keep all producer closes
	 * together within the close timeout.
	 * @param closeTimeout the time all closes together may take
	 */
	void shutdown(Duration closeTimeout) {
		this.closeTimeout = closeTimeout;
		this.rejecting = true;
		int seconds = (int) closeTimeout.toSeconds();
		this.factories.forEach((factory) -> factory.setPhysicalCloseTimeout(seconds));
	}

	/**
	 * Accept sends again, after the context was stopped without being closed and is
	 * started again.
	 */
	synchronized void resume() {
		this.rejecting = false;
		this.closeTimeout = null;
		this.closeStarted = false;
	}

	/**
	 * The timeout for one producer close: unchanged while running; during shutdown, what
	 * is left of the close bound, which starts with the first close.
	 * @param requested the timeout the caller asked for
	 * @return the timeout to use
	 */
	synchronized Duration boundCloseTimeout(Duration requested) {
		Duration bound = this.closeTimeout;
		if (bound == null) {
			return requested;
		}
		long now = System.nanoTime();
		if (!this.closeStarted) {
			this.closeStarted = true;
			this.closeDeadlineNanos = now + bound.toNanos();
		}
		Duration left = Duration.ofNanos(Math.max(0, this.closeDeadlineNanos - now));
		return (requested == null || requested.compareTo(left) > 0) ? left : requested;
	}

	void closed(TrackedProducer<?, ?> producer, boolean openTransaction) {
		this.open.remove(producer);
		if (this.rejecting) {
			this.closedDuringShutdown.incrementAndGet();
			if (openTransaction) {
				this.transactionsAborted.incrementAndGet();
				this.transactionRecordsAborted.addAndGet(producer.transactionRecords());
			}
		}
	}

	List<TrackedProducer<?, ?>> openProducers() {
		return new ArrayList<>(this.open);
	}

	boolean isEmpty() {
		return this.factories.isEmpty() && this.open.isEmpty();
	}

	int factoryCount() {
		return this.factories.size();
	}

	long acknowledged() {
		return this.acknowledged.get();
	}

	long failed() {
		return this.failed.get();
	}

	long rejected() {
		return this.rejected.get();
	}

	long closedDuringShutdown() {
		return this.closedDuringShutdown.get();
	}

	long transactionsAborted() {
		return this.transactionsAborted.get();
	}

	long transactionRecordsAborted() {
		return this.transactionRecordsAborted.get();
	}

}
