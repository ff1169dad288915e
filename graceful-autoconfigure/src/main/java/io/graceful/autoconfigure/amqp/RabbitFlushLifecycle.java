package io.graceful.autoconfigure.amqp;

import java.time.Duration;
import java.util.List;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * The RabbitMQ flush: after background work and the DataSource drain (work that commits
 * and then sends still finds a connection), sends are rejected and the publisher confirms
 * still pending are awaited, within one bound, then the connections are closed here
 * rather than by Spring AMQP at {@code Integer.MIN_VALUE}, so no send slips in between.
 * Each confirm is counted as confirmed or nacked by the broker, or unknown: still pending
 * when its channel closed (Spring AMQP reports those as nacks "Channel closed by
 * application", though the broker may have the message). Connections whose confirms never
 * came are aborted, so an unresponsive broker cannot hold the close for Spring AMQP's 30s
 * close timeout. A send after the flush fails with {@link RabbitSendRejectedException}
 * instead of opening a new connection; those are reported when the context destroys its
 * beans. Its log lines are a documented contract.
 */
class RabbitFlushLifecycle implements SmartLifecycle {

	static final String STEP = GracefulStep.RABBITMQ_FLUSH.id();

	private static final Duration ABORT_TIMEOUT = Duration.ofMillis(200);

	private static final Logger logger = LoggerFactory.getLogger(RabbitFlushLifecycle.class);

	private final RabbitConfirmTracker tracker;

	private final ObjectProvider<CachingConnectionFactory> connectionFactories;

	private final ShutdownReport report;

	private final Duration timeout;

	private volatile boolean running;

	RabbitFlushLifecycle(RabbitConfirmTracker tracker, ObjectProvider<CachingConnectionFactory> connectionFactories,
			ShutdownReport report, Duration timeout) {
		this.tracker = tracker;
		this.connectionFactories = connectionFactories;
		this.report = report;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.tracker.resume();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		StepRecorder recorder = this.report.begin(GracefulStep.RABBITMQ_FLUSH, this.timeout, logger);
		long confirmedBefore = this.tracker.confirmed();
		long nackedBefore = this.tracker.nacked();
		long unknownBefore = this.tracker.unknown();
		long rejectedBefore = this.tracker.rejected();
		this.tracker.reject();
		long inFlight = this.tracker.pending();
		recorder.count("confirms-pending", inFlight)
			.started(inFlight + " publisher confirms pending; new sends are rejected from now on");
		boolean settled = this.tracker.awaitSettled(recorder.deadlineNanos());
		List<String> stillPending = this.tracker.stillPending();
		if (!settled) {
			this.tracker.abortPending(ABORT_TIMEOUT);
		}
		this.connectionFactories.orderedStream().forEach(CachingConnectionFactory::resetConnection);
		long confirmed = this.tracker.confirmed() - confirmedBefore;
		long nacked = this.tracker.nacked() - nackedBefore;
		long unknown = this.tracker.unknown() - unknownBefore;
		long rejected = this.tracker.rejected() - rejectedBefore;
		this.tracker.flushEnded();
		recorder.count("confirmed", confirmed)
			.count("nacked", nacked)
			.count("unknown", unknown)
			.count("sends-rejected", rejected);
		if (settled && unknown == 0) {
			recorder.completed(String.format(
					"%d confirmed, %d nacked by the broker, 0 unknown, %d sends rejected; connections closed",
					confirmed, nacked, rejected));
			return;
		}
		recorder.cut("messages", unknown, stillPending);
		String summary = String.format("%d sends unknown (no confirm before their channel closed; the broker may or "
				+ "may not have them, Spring AMQP reports them as nacked): %d confirmed, %d nacked by the broker, "
				+ "%d sends rejected", unknown, confirmed, nacked, rejected);
		if (settled) {
			recorder.failed(summary);
		}
		else {
			recorder.timedOut(summary);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.RABBITMQ_FLUSH;
	}

}
