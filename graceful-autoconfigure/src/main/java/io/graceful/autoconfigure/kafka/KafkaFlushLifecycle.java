package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The Kafka flush: after background work and the DataSource drain (work that commits and
 * then sends still finds a producer), every producer the factories created delivers what
 * it buffers, in parallel, within one bound; from then on sends are rejected. Spring
 * Kafka's factories then close their producers at
 * {@link GracefulPhases#KAFKA_PRODUCERS_CLOSE} within the close bound; the close is
 * reported when the context destroys its beans. Its log lines are a documented contract.
 */
class KafkaFlushLifecycle implements SmartLifecycle, DisposableBean {

	static final String FLUSH_STEP = GracefulStep.KAFKA_FLUSH.id();

	static final String CLOSE_STEP = GracefulStep.KAFKA_PRODUCERS_CLOSE.id();

	private static final Logger logger = LoggerFactory.getLogger(KafkaFlushLifecycle.class);

	private final KafkaProducerTracker tracker;

	private final ShutdownReport report;

	private final Duration flushTimeout;

	private final Duration closeTimeout;

	private volatile boolean running;

	private volatile StepRecorder closeRecorder;

	private long failedBeforeClose;

	/** Records the flush reported cut (not delivered by its bound). */
	private long cutByFlush;

	KafkaFlushLifecycle(KafkaProducerTracker tracker, ShutdownReport report, Duration flushTimeout,
			Duration closeTimeout) {
		this.tracker = tracker;
		this.report = report;
		this.flushTimeout = flushTimeout;
		this.closeTimeout = closeTimeout;
	}

	@Override
	public void start() {
		if (this.closeRecorder != null) {
			// started again after a stop without close (context stop/start,
			// checkpoint/restore)
			destroy();
		}
		this.tracker.resume();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.tracker.isEmpty()) {
			return;
		}
		flush();
		this.failedBeforeClose = this.tracker.failed();
		this.closeRecorder = this.report.begin(GracefulStep.KAFKA_PRODUCERS_CLOSE, this.closeTimeout, logger);
	}

	private void flush() {
		List<TrackedProducer<?, ?>> producers = this.tracker.openProducers();
		StepRecorder recorder = this.report.begin(GracefulStep.KAFKA_FLUSH, this.flushTimeout, logger);
		this.tracker.shutdown(this.closeTimeout);
		if (producers.isEmpty()) {
			recorder.count("producers", 0).skipped("no Kafka producer open; new sends are rejected from now on");
			return;
		}
		long acknowledgedBefore = this.tracker.acknowledged();
		long failedBefore = this.tracker.failed();
		long inFlight = producers.stream().mapToLong(TrackedProducer::pending).sum();
		List<TrackedProducer<?, ?>> inTransaction = producers.stream().filter(TrackedProducer::inTransaction).toList();
		recorder.count("producers", producers.size())
			.count("records-in-flight", inFlight)
			.count("transactions-open", inTransaction.size())
			.started(String.format("%d records in flight on %d producers; new sends are rejected from now on", inFlight,
					producers.size()));
		if (!inTransaction.isEmpty()) {
			recorder.warn(String.format(
					"%d transactions are still open (%d records); Kafka aborts an open "
							+ "transaction when its producer closes, so read-committed consumers will not see them",
					inTransaction.size(), inTransaction.stream().mapToLong(TrackedProducer::transactionRecords).sum()));
		}
		CountDownLatch flushed = new CountDownLatch(producers.size());
		for (TrackedProducer<?, ?> producer : producers) {
			Thread thread = new Thread(() -> flush(producer, flushed), "graceful-kafka-flush-" + producer.clientId());
			thread.setDaemon(true);
			thread.start();
		}
		boolean finished = await(flushed, recorder.deadlineNanos());
		long delivered = this.tracker.acknowledged() - acknowledgedBefore;
		long failed = this.tracker.failed() - failedBefore;
		recorder.count("records-flushed", delivered).count("records-failed", failed);
		List<TrackedProducer<?, ?>> stuck = producers.stream().filter((producer) -> producer.pending() > 0).toList();
		long notDelivered = stuck.stream().mapToLong(TrackedProducer::pending).sum();
		if (finished && notDelivered == 0) {
			recorder.completed(
					delivered + " records flushed, " + failed + " failed, from " + producers.size() + " producers");
			return;
		}
		List<String> names = new ArrayList<>();
		stuck.forEach((producer) -> names.add(producer.clientId() + " (" + producer.pending() + " records)"));
		this.cutByFlush = notDelivered;
		recorder.cut("records", notDelivered, names)
			.timedOut(notDelivered + " records not delivered",
					String.format(
							"%d flushed, %d failed; the records still flushing fail unless delivered while "
									+ "the producers close (up to %s)",
							delivered, failed, Durations.format(this.closeTimeout)));
	}

	private static void flush(TrackedProducer<?, ?> producer, CountDownLatch flushed) {
		try {
			producer.flush();
		}
		catch (RuntimeException ex) {
			logger.debug("Flush of Kafka producer " + producer.clientId() + " failed", ex);
		}
		finally {
			flushed.countDown();
		}
	}

	private boolean await(CountDownLatch latch, long deadlineNanos) {
		try {
			return latch.await(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Reports the close, after Spring Kafka's factories closed their producers; closes,
	 * in what is left of the close bound, producers no factory closed (for example those
	 * of a factory that is not a bean).
	 */
	@Override
	public void destroy() {
		StepRecorder recorder = this.closeRecorder;
		if (recorder == null) {
			return;
		}
		this.closeRecorder = null;
		List<TrackedProducer<?, ?>> leftovers = this.tracker.openProducers();
		for (TrackedProducer<?, ?> producer : leftovers) {
			try {
				producer.close(this.closeTimeout);
			}
			catch (RuntimeException ex) {
				logger.debug("Failed to close Kafka producer " + producer.clientId(), ex);
			}
		}
		long failed = this.tracker.failed() - this.failedBeforeClose;
		long closed = this.tracker.closedDuringShutdown();
		long rejected = this.tracker.rejected();
		long aborted = this.tracker.transactionsAborted();
		long abortedRecords = this.tracker.transactionRecordsAborted();
		recorder.count("producers-closed", closed)
			.count("records-failed", failed)
			.count("sends-rejected", rejected)
			.count("transactions-aborted", aborted)
			.count("transaction-records-aborted", abortedRecords);
		if (closed == 0 && failed == 0 && rejected == 0) {
			recorder.skipped("no Kafka producer to close");
			return;
		}
		String transactions = (aborted > 0)
				? String.format("; %d open transactions aborted by Kafka on close " + "(%d records not committed)",
						aborted, abortedRecords)
				: "";
		if (failed == 0) {
			recorder.completed(closed + " producers closed, 0 records failed, " + rejected
					+ " sends rejected after the flush" + transactions);
			return;
		}
		// the records the flush left undelivered are named cut there already; counting
		// their failure again would report each of them twice
		recorder.cut("records", Math.max(0, failed - this.cutByFlush), List.of())
			.timedOut(failed + " records failed",
					closed + " producers closed, " + rejected + " sends rejected after the flush" + transactions);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.KAFKA_FLUSH;
	}

	/**
	 * What the Kafka flush would face if a shutdown started now: the records producers
	 * buffer, not yet acknowledged by the broker. They are delivered by the flush unless
	 * the broker is unreachable, which cannot be told in advance.
	 * @return the forecast
	 */
	StepForecast forecast() {
		long buffered = 0;
		List<TrackedProducer<?, ?>> producers = this.tracker.openProducers();
		for (TrackedProducer<?, ?> producer : producers) {
			buffered += producer.pending();
		}
		return StepForecast.fits(FLUSH_STEP, this.flushTimeout,
				Map.of("recordsBuffered", buffered, "producers", producers.size()));
	}

}
