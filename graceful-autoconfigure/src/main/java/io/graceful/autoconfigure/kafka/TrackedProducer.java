package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A raw Kafka producer as created by a producer factory, wrapped so that the shutdown can
 * reach it whichever way it is used (shared, thread-bound or transactional): it counts
 * every record's outcome from its callback, knows how many are still pending and whether
 * a transaction is open, rejects sends once the flush began and keeps its close within
 * the shutdown's close bound.
 */
final class TrackedProducer<K, V> implements Producer<K, V> {

	private final Producer<K, V> delegate;

	private final KafkaProducerTracker tracker;

	private final String clientId;

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong transactionRecords = new AtomicLong();

	private volatile boolean inTransaction;

	private volatile boolean closed;

	TrackedProducer(Producer<K, V> delegate, KafkaProducerTracker tracker) {
		this.delegate = delegate;
		this.tracker = tracker;
		this.clientId = clientId(delegate);
	}

	private static String clientId(Producer<?, ?> producer) {
		Iterator<MetricName> names = producer.metrics().keySet().iterator();
		String id = names.hasNext() ? names.next().tags().get("client-id") : null;
		return (id != null) ? id : "producer@" + Integer.toHexString(System.identityHashCode(producer));
	}

	String clientId() {
		return this.clientId;
	}

	/**
	 * Records sent but not yet acknowledged or failed.
	 * @return the number of pending records
	 */
	long pending() {
		return this.pending.get();
	}

	boolean inTransaction() {
		return this.inTransaction;
	}

	long transactionRecords() {
		return this.transactionRecords.get();
	}

	boolean isClosed() {
		return this.closed;
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
		return send(record, null);
	}

	@Override
	public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
		this.tracker.checkAccepting(record.topic());
		this.pending.incrementAndGet();
		if (this.inTransaction) {
			this.transactionRecords.incrementAndGet();
		}
		Outcome outcome = new Outcome(callback);
		try {
			return this.delegate.send(record, outcome);
		}
		catch (RuntimeException ex) {
			outcome.count(ex);
			throw ex;
		}
	}

	@Override
	public void flush() {
		this.delegate.flush();
	}

	@Override
	public List<PartitionInfo> partitionsFor(String topic) {
		return this.delegate.partitionsFor(topic);
	}

	@Override
	public Map<MetricName, ? extends Metric> metrics() {
		return this.delegate.metrics();
	}

	@Override
	public Uuid clientInstanceId(Duration timeout) {
		return this.delegate.clientInstanceId(timeout);
	}

	@Override
	public void initTransactions() {
		this.delegate.initTransactions();
	}

	@Override
	public void beginTransaction() throws ProducerFencedException {
		this.tracker.checkAccepting(null);
		this.delegate.beginTransaction();
		this.transactionRecords.set(0);
		this.inTransaction = true;
	}

	@Override
	public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
			ConsumerGroupMetadata groupMetadata) throws ProducerFencedException {
		this.delegate.sendOffsetsToTransaction(offsets, groupMetadata);
	}

	@Override
	public void commitTransaction() throws ProducerFencedException {
		this.delegate.commitTransaction();
		this.inTransaction = false;
	}

	@Override
	public void abortTransaction() throws ProducerFencedException {
		this.delegate.abortTransaction();
		this.inTransaction = false;
	}

	@Override
	public void registerMetricForSubscription(KafkaMetric metric) {
		this.delegate.registerMetricForSubscription(metric);
	}

	@Override
	public void unregisterMetricFromSubscription(KafkaMetric metric) {
		this.delegate.unregisterMetricFromSubscription(metric);
	}

	@Override
	public void close() {
		close(Duration.ofMillis(Long.MAX_VALUE));
	}

	@Override
	public void close(Duration timeout) {
		if (this.closed) {
			return;
		}
		Duration bounded = this.tracker.boundCloseTimeout(timeout);
		boolean openTransaction = this.inTransaction;
		try {
			this.delegate.close(bounded);
		}
		finally {
			this.closed = true;
			this.tracker.closed(this, openTransaction);
		}
	}

	@Override
	public String toString() {
		return "TrackedProducer [" + this.clientId + ", " + this.delegate + "]";
	}

	/**
	 * Counts one record's outcome exactly once, then hands it to the caller's callback.
	 */
	private final class Outcome implements Callback {

		private final Callback callback;

		private final AtomicBoolean counted = new AtomicBoolean();

		Outcome(Callback callback) {
			this.callback = callback;
		}

		@Override
		public void onCompletion(RecordMetadata metadata, Exception exception) {
			count(exception);
			if (this.callback != null) {
				this.callback.onCompletion(metadata, exception);
			}
		}

		void count(Exception exception) {
			if (this.counted.compareAndSet(false, true)) {
				TrackedProducer.this.pending.decrementAndGet();
				TrackedProducer.this.tracker.outcome(exception == null);
			}
		}

	}

}
