package io.graceful.autoconfigure.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.util.ClassUtils;

/**
 * The DataSource drain: every HikariCP pool (also behind a wrapper or proxy), in parallel
 * and within one total bound ({@code graceful.datasource-drain.timeout}), waits until no
 * connection is in use, soft-evicts its idle connections and closes. At the bound, pools
 * close anyway (HikariCP aborts the connections still in use) and the log says how many.
 * Other DataSource types are left to Spring, which closes them at bean destruction; the
 * log says no drain was possible. Runs at {@link GracefulPhases#DATASOURCE_DRAIN}: after
 * background work, before the Kafka flush. The log lines are a documented contract (the
 * rollout lab parses them).
 */
class DataSourceDrainLifecycle implements SmartLifecycle, SmartApplicationListener {

	static final String STEP = GracefulStep.DATASOURCE_DRAIN.id();

	private static final Logger logger = LoggerFactory.getLogger(DataSourceDrainLifecycle.class);

	private final ConfigurableApplicationContext context;

	private final ShutdownReport report;

	private final Duration timeout;

	private final boolean hikariPresent;

	private volatile boolean closing;

	private volatile boolean running;

	DataSourceDrainLifecycle(ConfigurableApplicationContext context, ShutdownReport report, Duration timeout) {
		this.context = context;
		this.report = report;
		this.timeout = timeout;
		this.hikariPresent = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", context.getClassLoader());
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
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.closing) {
			// only on close: a context stop() without close keeps the pools open
			drain();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.DATASOURCE_DRAIN;
	}

	private void drain() {
		StepRecorder recorder = this.report.begin(GracefulStep.DATASOURCE_DRAIN, this.timeout, logger);
		long deadline = recorder.deadlineNanos();
		List<HikariPoolDrain> pools = new ArrayList<>();
		List<String> undrainable = new ArrayList<>();
		collect(pools, undrainable);
		String undrainableNote = undrainable.isEmpty() ? ""
				: String.format(
						"; no drain possible for %d DataSource(s) that are not HikariCP pools, "
								+ "Spring closes them as usual: %s",
						undrainable.size(), String.join(", ", undrainable));
		recorder.count("datasources-not-drainable", undrainable.size());
		if (pools.isEmpty()) {
			recorder.skipped("no open HikariCP pool" + undrainableNote);
			return;
		}
		pools.forEach((pool) -> pool.start(deadline));
		int inUse = pools.stream().mapToInt(HikariPoolDrain::inUseAtStart).sum();
		recorder.count("pools", pools.size())
			.count("connections-in-use", inUse)
			.started(String.format("%d HikariCP pools, %d connections in use, to be returned%s", pools.size(), inUse,
					undrainableNote));
		List<String> aborted = new ArrayList<>();
		List<String> stillClosing = new ArrayList<>();
		int abortedConnections = 0;
		for (HikariPoolDrain pool : pools) {
			boolean closed = awaitClosed(pool, deadline);
			int cut = closed ? pool.aborted() : Math.max(pool.inUse(), pool.aborted());
			if (cut > 0) {
				abortedConnections += cut;
				aborted.add(pool.describe(cut));
			}
			else if (!closed) {
				stillClosing.add(pool.describe(0));
			}
		}
		if (aborted.isEmpty() && stillClosing.isEmpty()) {
			recorder.completed(
					pools.size() + " pools closed, " + inUse + " connections were in use and returned, 0 aborted");
			return;
		}
		if (aborted.isEmpty()) {
			recorder.count("pools-still-closing", stillClosing.size())
				.timedOut((pools.size() - stillClosing.size()) + " pools closed, " + stillClosing.size()
						+ " still closing with no connection in use (HikariCP's own shutdown is still running): "
						+ String.join(", ", stillClosing),
						"nothing was cut; HikariCP finishes closing in the background");
			return;
		}
		recorder.cut("connections", abortedConnections, aborted)
			.timedOut(abortedConnections + " connections still in use will be aborted (their statements fail)");
	}

	/**
	 * Wait for a pool to close by the deadline.
	 * @return whether its close ended by then
	 */
	private boolean awaitClosed(HikariPoolDrain pool, long deadline) {
		try {
			return pool.awaitClosed(deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * What the DataSource drain would face if a shutdown started now: the connections in
	 * use. How long each has been borrowed is not tracked (that would need a proxy on
	 * every borrow), so connections in use make the verdict unknown rather than a cut.
	 * @return the forecast
	 */
	StepForecast forecast() {
		List<HikariPoolDrain> pools = new ArrayList<>();
		List<String> undrainable = new ArrayList<>();
		collect(pools, undrainable);
		List<String> inUse = new ArrayList<>();
		int total = 0;
		for (HikariPoolDrain pool : pools) {
			int connections = pool.inUse();
			total += connections;
			if (connections > 0) {
				inUse.add(pool.describe(connections) + "; borrow age not tracked");
			}
		}
		Map<String, Object> facts = Map.of("connectionsInUse", total, "pools", pools.size());
		if (!inUse.isEmpty()) {
			return new StepForecast(STEP, this.timeout, StepForecast.Verdict.UNKNOWN, 0, facts, inUse);
		}
		return StepForecast.fits(STEP, this.timeout, facts);
	}

	private void collect(List<HikariPoolDrain> pools, List<String> undrainable) {
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		Map<Object, Boolean> seen = new IdentityHashMap<>();
		for (String name : beanFactory.getBeanNamesForType(DataSource.class, false, false)) {
			if (!beanFactory.containsSingleton(name)) {
				continue;
			}
			DataSource dataSource = beanFactory.getBean(name, DataSource.class);
			HikariPoolDrain pool = this.hikariPresent ? HikariPoolDrain.of(name, dataSource) : null;
			if (pool == null) {
				undrainable.add("'" + name + "' (" + dataSource.getClass().getSimpleName() + ")");
			}
			else if (!pool.isClosed() && seen.put(pool.pool(), Boolean.TRUE) == null) {
				pools.add(pool);
			}
		}
	}

}
