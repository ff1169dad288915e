package io.graceful.autoconfigure.withdraw;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * The first step of a shutdown: readiness refuses traffic, every request is still served
 * (HTTP/1.1 responses with {@code Connection: close}, HTTP/2 connections get a graceful
 * GOAWAY), for the withdraw delay or until a quiet period without traffic; then idle
 * connections are closed, and HTTP/2 connections opened during the delay get GOAWAY,
 * while the server still listens.
 * <p>
 * It runs in the highest-precedence {@link ContextClosedEvent} listener, before Spring
 * cancels scheduled tasks, stops schedulers or closes a separate management context, so
 * that all of them keep working during the delay. Its lifecycle phase
 * ({@link GracefulPhases#WITHDRAW}) runs it if the event did not. The log lines are a
 * documented contract (the rollout lab parses them).
 *
 * @since 0.1.0
 */
public final class WithdrawLifecycle implements SmartLifecycle, SmartApplicationListener, BoundedStep {

	static final String STEP = GracefulStep.WITHDRAW.id();

	private static final long MIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final Logger logger = LoggerFactory.getLogger(WithdrawLifecycle.class);

	private final ApplicationContext context;

	private final WithdrawSettings settings;

	private final ShutdownReport report;

	private final @Nullable InFlightRequests inFlightRequests;

	private final List<IdleConnectionCloser> idleConnectionClosers;

	private final List<Http2GoAwaySender> goAwaySenders;

	private final List<ListeningSocketCloser> listeningSocketClosers;

	private final List<OpenConnections> openConnections;

	private final AtomicBoolean withdrawn = new AtomicBoolean();

	private final CountDownLatch done = new CountDownLatch(1);

	private volatile boolean everReady;

	private volatile boolean running;

	/**
	 * Create the withdraw step.
	 * @param context the application context, whose readiness it turns
	 * @param properties the bound properties
	 * @param report the report the step writes to
	 * @param inFlightRequests the requests in flight, if the application serves HTTP
	 * @param idleConnectionClosers the servers' idle connection closers
	 * @param goAwaySenders the servers' HTTP/2 GOAWAY senders
	 * @param listeningSocketClosers the servers' listening socket closers
	 * @param openConnections the servers' open connections
	 */
	public WithdrawLifecycle(ApplicationContext context, GracefulProperties properties, ShutdownReport report,
			@Nullable InFlightRequests inFlightRequests, List<IdleConnectionCloser> idleConnectionClosers,
			List<Http2GoAwaySender> goAwaySenders, List<ListeningSocketCloser> listeningSocketClosers,
			List<OpenConnections> openConnections) {
		this.context = context;
		this.settings = WithdrawSettings.resolve(properties.getWithdraw(), properties.getHandover(),
				context.getEnvironment());
		this.report = report;
		this.inFlightRequests = inFlightRequests;
		this.idleConnectionClosers = idleConnectionClosers;
		this.goAwaySenders = goAwaySenders;
		this.listeningSocketClosers = listeningSocketClosers;
		this.openConnections = openConnections;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextClosedEvent.class.isAssignableFrom(eventType)
				|| AvailabilityChangeEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			this.everReady = true;
		}
		else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context) {
			withdraw();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		withdraw();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.WITHDRAW;
	}

	@Override
	public ShutdownBound shutdownBound() {
		return ShutdownBound.of(GracefulStep.WITHDRAW, this.settings.delay(), GracefulPhases.WITHDRAW);
	}

	/**
	 * The withdraw settings in force.
	 * @return the delay in force, after platform detection
	 */
	public Duration getDelay() {
		return this.settings.delay();
	}

	private void withdraw() {
		if (!this.withdrawn.compareAndSet(false, true)) {
			awaitDone();
			return;
		}
		// before readiness turns: a connection a balancer opens from then on is one the
		// withdraw waits for
		Set<Object> openBefore = (this.settings.quietPeriod() != null) ? openConnections() : Set.of();
		try {
			this.report.closeStarted();
			this.report.setState(ShutdownState.WITHDRAWING);
			AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
			StepRecorder recorder = this.settings.handover()
					? this.report.begin(STEP, "Hand-over", this.settings.delay(), logger)
					: this.report.begin(GracefulStep.WITHDRAW, this.settings.delay(), logger);
			if (!this.everReady) {
				recorder.skipped("the application never became ready, so no load balancer routes to it");
				return;
			}
			if (this.inFlightRequests != null && this.settings.connectionClose()) {
				this.inFlightRequests.startClosingConnections();
			}
			if (this.settings.handover()) {
				closeListeningSockets();
			}
			int goAway = sendGoAway();
			Duration quietPeriod = this.settings.quietPeriod();
			if (quietPeriod != null && !this.settings.delay().isZero()) {
				recorder.count("quiet-period-ms", quietPeriod.toMillis())
					.count("min-delay-ms", this.settings.minDelay().toMillis());
			}
			if (this.settings.handover()) {
				recorder.started("listening socket closed, new connections go to the successor on the same port; "
						+ "moving kept-alive connections (Connection: close on their next response, idle ones "
						+ "closed at the end)");
			}
			else {
				recorder.started(String.format("readiness is REFUSING_TRAFFIC; still serving requests (%s)%s",
						this.settings.reason(), quietPeriodNote()));
			}
			DelayOutcome outcome = awaitDelay(openBefore);
			if (outcome.connectionsStillArriving() > 0) {
				recorder.warn(String.format(
						"reached its %s bound with %d connections accepted during it still open: the load balancer "
								+ "may still route here; raise graceful.withdraw.delay if requests fail at the drain",
						Durations.format(this.settings.delay()), outcome.connectionsStillArriving()));
			}
			int closed = closeIdleConnections();
			// HTTP/2 connections opened during the delay get their GOAWAY here, not when
			// they
			// open: during the delay the load balancer may still route here, and a GOAWAY
			// on
			// each new connection would only make its clients reconnect to this instance
			// again; now, after the delay and before the drain, their next stream goes to
			// a
			// new connection while this server still listens and answers it.
			goAway += sendGoAway();
			long served = (this.inFlightRequests != null) ? this.inFlightRequests.servedWhileClosing() : 0;
			String goAwayNote = (goAway > 0) ? ", " + goAway + " HTTP/2 connections sent GOAWAY" : "";
			String end = outcome.quiet() ? " (quiet period reached)"
					: (outcome.moved() ? " (every kept-alive connection moved)" : "");
			recorder.count("requests-served", served)
				.count("idle-connections-closed", closed)
				.count("http2-connections-sent-goaway", goAway);
			if (outcome.connectionsStillArriving() > 0) {
				recorder.count("connections-still-arriving", outcome.connectionsStillArriving());
			}
			recorder.completed(served + " requests served during withdraw, " + closed + " idle connections closed"
					+ goAwayNote + end);
		}
		finally {
			this.done.countDown();
		}
	}

	private String quietPeriodNote() {
		if (this.settings.quietPeriod() == null || this.settings.delay().isZero()) {
			return "";
		}
		return String.format("; ends early after %s without traffic, not before %s",
				Durations.format(this.settings.quietPeriod()), Durations.format(this.settings.minDelay()));
	}

	/**
	 * Wait the delay, or less once traffic has stopped: no application request for the
	 * quiet period, and no connection accepted during the withdraw still open (its
	 * request may wait for a worker thread, unseen by the filters), never before the
	 * minimum delay.
	 * @param before the connections open when the withdraw began
	 * @return how the wait ended
	 */
	private DelayOutcome awaitDelay(Set<Object> before) {
		long start = System.nanoTime();
		long deadline = start + this.settings.delay().toNanos();
		if (this.settings.handover()) {
			return awaitMoved(deadline);
		}
		Duration quietPeriod = this.settings.quietPeriod();
		if (quietPeriod == null || this.inFlightRequests == null) {
			return awaitUntil(deadline) ? DelayOutcome.BOUND : DelayOutcome.INTERRUPTED;
		}
		long earliest = start + this.settings.minDelay().toNanos();
		long poll = Math.max(MIN_POLL_NANOS, Math.min(MAX_POLL_NANOS, quietPeriod.toNanos() / 4));
		while (true) {
			long now = System.nanoTime();
			Set<Object> arrived = openConnections();
			arrived.removeAll(before);
			if (now - deadline >= 0) {
				return arrived.isEmpty() ? DelayOutcome.BOUND : DelayOutcome.bound(arrived.size());
			}
			long quietEnd = Math.max(earliest, this.inFlightRequests.lastTrafficNanos() + quietPeriod.toNanos());
			if (arrived.isEmpty() && now - quietEnd >= 0) {
				return DelayOutcome.QUIET;
			}
			long wakeUp;
			if (!arrived.isEmpty()) {
				wakeUp = now + poll;
			}
			else {
				wakeUp = this.openConnections.isEmpty() ? quietEnd : Math.min(quietEnd, now + poll);
			}
			if (!awaitUntil(Math.min(deadline, wakeUp))) {
				return DelayOutcome.INTERRUPTED;
			}
		}
	}

	/**
	 * In a hand-over, wait until no connection is idle any more, at most the move period:
	 * every kept-alive connection has then carried a request answered with
	 * {@code Connection: close} and closed, or carries one now. Closing a connection that
	 * is idle at the end races a client that picks it from its pool at that moment, and
	 * the client must not retry a non-idempotent request (RFC 9112 §9.3.1); a request
	 * answered with {@code Connection: close} has no such race.
	 * @param deadline the end of the move period
	 * @return how the wait ended
	 */
	private DelayOutcome awaitMoved(long deadline) {
		while (true) {
			if (!awaitUntil(Math.min(deadline, System.nanoTime() + MAX_POLL_NANOS))) {
				return DelayOutcome.INTERRUPTED;
			}
			if (System.nanoTime() - deadline >= 0) {
				return DelayOutcome.BOUND;
			}
			if (idleConnections() == 0) {
				return DelayOutcome.MOVED;
			}
		}
	}

	/**
	 * @return the idle connections of every server, or {@code -1} when one cannot tell
	 */
	private int idleConnections() {
		if (this.idleConnectionClosers.isEmpty()) {
			return -1;
		}
		int idle = 0;
		for (IdleConnectionCloser closer : this.idleConnectionClosers) {
			int count;
			try {
				count = closer.countIdleConnections();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not count idle connections with " + closer.getClass().getSimpleName(), ex);
				count = -1;
			}
			if (count < 0) {
				return -1;
			}
			idle += count;
		}
		return idle;
	}

	private boolean awaitUntil(long deadline) {
		long wait = deadline - System.nanoTime();
		if (wait <= 0) {
			return true;
		}
		try {
			new CountDownLatch(1).await(wait, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Withdraw delay interrupted; continuing the shutdown");
			return false;
		}
	}

	private Set<Object> openConnections() {
		Set<Object> connections = Collections.newSetFromMap(new IdentityHashMap<>());
		for (OpenConnections server : this.openConnections) {
			try {
				server.collect(connections);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not list open connections with " + server.getClass().getSimpleName(), ex);
			}
		}
		return connections;
	}

	/**
	 * How the withdraw delay ended.
	 *
	 * @param quiet whether traffic stopped before the delay's bound
	 * @param moved whether, in a hand-over, every kept-alive connection moved before the
	 * move period's bound
	 * @param connectionsStillArriving connections accepted during the withdraw and still
	 * open at its bound
	 */
	private record DelayOutcome(boolean quiet, boolean moved, int connectionsStillArriving) {

		static final DelayOutcome QUIET = new DelayOutcome(true, false, 0);

		static final DelayOutcome MOVED = new DelayOutcome(false, true, 0);

		static final DelayOutcome BOUND = new DelayOutcome(false, false, 0);

		static final DelayOutcome INTERRUPTED = BOUND;

		static DelayOutcome bound(int connectionsStillArriving) {
			return new DelayOutcome(false, false, connectionsStillArriving);
		}

	}

	private void closeListeningSockets() {
		for (ListeningSocketCloser closer : this.listeningSocketClosers) {
			try {
				closer.closeListeningSockets();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close the listening socket with " + closer.getClass().getSimpleName()
						+ "; new connections may still reach this instance until the drain", ex);
			}
		}
	}

	private int closeIdleConnections() {
		if (!this.settings.closeIdleConnections()) {
			return 0;
		}
		int closed = 0;
		for (IdleConnectionCloser closer : this.idleConnectionClosers) {
			try {
				closed += closer.closeIdleConnections();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close idle connections with " + closer.getClass().getSimpleName()
						+ "; clients may reuse them into the drain", ex);
			}
		}
		return closed;
	}

	/**
	 * Send a graceful GOAWAY on the HTTP/2 connections that have not had one.
	 * @return how many connections got one
	 */
	private int sendGoAway() {
		if (!this.settings.http2GoAway()) {
			return 0;
		}
		int sent = 0;
		for (Http2GoAwaySender sender : this.goAwaySenders) {
			try {
				sent += sender.sendGoAway();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not send GOAWAY on HTTP/2 connections with " + sender.getClass().getSimpleName()
						+ "; their clients keep them until the drain", ex);
			}
		}
		return sent;
	}

	private void awaitDone() {
		try {
			this.done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
