package io.graceful.autoconfigure.r2dbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * The R2DBC drain: every r2dbc-pool {@link ConnectionPool} bean waits, within one total
 * bound ({@code graceful.r2dbc-drain.timeout}), until no connection is acquired, then is
 * closed here; from then on a request for a connection fails at once with
 * {@link R2dbcPoolClosedException}. At the bound the pool closes anyway: reactor-pool
 * destroys a connection still acquired only when it is released, so a query in flight is
 * not cut, but the log names the pools and counts the connections still acquired.
 * reactor-pool signals no release, so the wait looks at the pool's metrics every 10ms.
 * Runs at {@link GracefulPhases#R2DBC_DRAIN}, next to the DataSource drain, only on
 * close. Its log lines are a documented contract.
 */
class R2dbcDrainLifecycle implements SmartLifecycle, SmartApplicationListener {

	static final String STEP = GracefulStep.R2DBC_DRAIN.id();

	private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

	private static final Logger logger = LoggerFactory.getLogger(R2dbcDrainLifecycle.class);

	private final ConfigurableApplicationContext context;

	private final GuardedPools pools;

	private final ShutdownReport report;

	private final Duration timeout;

	private volatile boolean closing;

	private volatile boolean running;

	R2dbcDrainLifecycle(ConfigurableApplicationContext context, GuardedPools pools, ShutdownReport report,
			Duration timeout) {
		this.context = context;
		this.pools = pools;
		this.report = report;
		this.timeout = timeout;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextClosedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context) {
			this.closing = true;
		}
	}

	@Override
	public void start() {
		this.pools.reopen();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.closing) {
			drain();
		}
	}

	private void drain() {
		Map<String, ConnectionPool> open = new LinkedHashMap<>();
		this.pools.pools().forEach((name, pool) -> {
			if (!pool.isDisposed()) {
				open.put(name, pool);
			}
		});
		StepRecorder recorder = this.report.begin(GracefulStep.R2DBC_DRAIN, this.timeout, logger);
		if (open.isEmpty()) {
			recorder.count("pools", 0).skipped("no open R2DBC connection pool");
			return;
		}
		long deadline = recorder.deadlineNanos();
		long acquired = open.values().stream().mapToLong(R2dbcDrainLifecycle::acquired).sum();
		recorder.count("pools", open.size())
			.count("connections-acquired", acquired)
			.started(open.size() + " pools, " + acquired + " connections acquired, to be released");
		while (open.values().stream().mapToLong(R2dbcDrainLifecycle::acquired).sum() > 0 && System.nanoTime() < deadline
				&& !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		List<String> cut = new ArrayList<>();
		long cutConnections = 0;
		for (Map.Entry<String, ConnectionPool> entry : open.entrySet()) {
			long still = acquired(entry.getValue());
			if (still > 0) {
				cutConnections += still;
				cut.add(entry.getKey() + " (" + still + " connections acquired)");
			}
			this.pools.closed(entry.getKey());
			close(entry.getKey(), entry.getValue(), deadline);
		}
		if (cut.isEmpty()) {
			recorder.completed(
					open.size() + " pools closed, " + acquired + " connections were acquired and released, 0 cut");
			return;
		}
		recorder.cut("connections", cutConnections, cut)
			.timedOut(cutConnections + " connections still acquired", "the pools are closed, those connections "
					+ "close when released and new requests for a connection fail");
	}

	private static void close(String name, ConnectionPool pool, long deadline) {
		try {
			pool.disposeLater().block(Duration.ofNanos(Math.max(POLL_NANOS, deadline - System.nanoTime())));
		}
		catch (RuntimeException ex) {
			logger.debug("R2DBC pool '" + name + "' did not close cleanly", ex);
		}
	}

	private static long acquired(ConnectionPool pool) {
		return pool.getMetrics().map(PoolMetrics::acquiredSize).orElse(0);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.R2DBC_DRAIN;
	}

}
