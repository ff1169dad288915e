package io.graceful.autoconfigure.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The stop of RabbitMQ listener containers, in their place of the timeline
 * ({@link GracefulPhases#RABBIT_LISTENERS}: after withdraw, before the web drain). Just
 * before Spring stops that phase, each container is prepared: unless its acknowledge mode
 * is {@code NONE}, it is told to stop once the message in hand is acked
 * ({@code forceStop}): its prefetched messages return to the queue when the channel
 * closes instead of holding the stop. With {@code NONE} the broker has already forgotten
 * the prefetched messages, so a {@link SimpleMessageListenerContainer} is drained first
 * ({@link PrefetchDrain}: consumers cancelled at the broker, the buffer processed while
 * the container still runs). What is left of the step's allowance (its bound plus what
 * earlier steps carried over) then becomes the containers' shutdown timeout and Spring's
 * timeout for the phase. Just after the phase, containers with messages still in
 * processing are named; Spring AMQP interrupts them at the bound. Its log lines are a
 * documented contract.
 */
class RabbitListenerShutdown {

	static final String STEP = GracefulStep.RABBITMQ_LISTENERS.id();

	private static final Logger logger = LoggerFactory.getLogger(RabbitListenerShutdown.class);

	private final ListableBeanFactory beanFactory;

	private final InFlightMessages inFlight;

	private final ShutdownReport report;

	private final Duration timeout;

	private final LifecyclePhaseTimeout phaseTimeout;

	private volatile @Nullable StepRecorder recorder;

	private volatile List<AbstractMessageListenerContainer> stopping = List.of();

	private long finishedBefore;

	private long lostBuffered;

	private final Map<String, Long> interruptedBefore = new HashMap<>();

	RabbitListenerShutdown(ListableBeanFactory beanFactory, InFlightMessages inFlight, ShutdownReport report,
			Duration timeout, LifecyclePhaseTimeout phaseTimeout) {
		this.beanFactory = beanFactory;
		this.inFlight = inFlight;
		this.report = report;
		this.timeout = timeout;
		this.phaseTimeout = phaseTimeout;
	}

	/**
	 * The lifecycle that prepares the containers, just before the listeners' phase: it
	 * waits (for a {@code NONE} container's buffer), so it is a lifecycle of its own
	 * rather than a {@code PhaseCallback}. Not this bean itself: Spring stops the beans
	 * that depend on a lifecycle bean before it, and the callback after the phase depends
	 * on this one.
	 * @return the lifecycle
	 */
	SmartLifecycle preparation() {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				this.running = true;
			}

			@Override
			public void stop() {
				this.running = false;
				stopping();
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

			@Override
			public int getPhase() {
				return GracefulPhases.RABBIT_LISTENERS + 1;
			}

		};
	}

	void stopping() {
		List<AbstractMessageListenerContainer> containers = containers();
		if (containers.isEmpty()) {
			return;
		}
		List<SimpleMessageListenerContainer> none = new ArrayList<>();
		List<String> notDrained = new ArrayList<>();
		for (AbstractMessageListenerContainer container : containers) {
			if (container.getAcknowledgeMode() != AcknowledgeMode.NONE) {
				container.setForceStop(true);
			}
			else if (container instanceof SimpleMessageListenerContainer simple) {
				none.add(simple);
			}
			else {
				notDrained.add(describe(container));
			}
		}
		this.stopping = containers;
		this.finishedBefore = this.inFlight.finished();
		this.lostBuffered = 0;
		this.interruptedBefore.clear();
		containers.forEach((container) -> {
			for (String queue : container.getQueueNames()) {
				this.interruptedBefore.put(queue, this.inFlight.interrupted(queue));
			}
		});
		long inHand = this.inFlight.inFlight();
		StepRecorder recorder = this.report.begin(GracefulStep.RABBITMQ_LISTENERS, this.timeout, logger);
		this.recorder = recorder;
		recorder.count("containers", containers.size()).count("messages-in-processing", inHand);
		recorder.started(String.format(
				"%d containers (%s), %d messages in processing; "
						+ "they finish and ack them, prefetched messages return to the queue%s%s",
				containers.size(),
				String.join(", ", containers.stream().map(RabbitListenerShutdown::describe).toList()), inHand,
				none.isEmpty() ? ""
						: " (acknowledge mode NONE, " + none.size()
								+ " containers: their prefetched messages are processed first)",
				notDrained.isEmpty() ? ""
						: "; not drained, so their prefetched messages are lost (acknowledge mode NONE, not a "
								+ "SimpleMessageListenerContainer): " + String.join(", ", notDrained)));
		long deadline = recorder.deadlineNanos();
		for (SimpleMessageListenerContainer container : none) {
			drain(container, deadline);
		}
		Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
		for (AbstractMessageListenerContainer container : containers) {
			container.setShutdownTimeout(Math.max(1, left.toMillis()));
		}
		this.phaseTimeout.set(GracefulPhases.RABBIT_LISTENERS, STEP, left);
	}

	private void drain(SimpleMessageListenerContainer container, long deadline) {
		PrefetchDrain drain = PrefetchDrain.cancel(container,
				Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		if (drain == null) {
			logger.warn("RabbitMQ listener container " + describe(container) + " could not be drained (Spring AMQP's "
					+ "internals are not as expected); with acknowledge mode NONE its prefetched messages are lost");
			return;
		}
		List<String> queues = List.of(container.getQueueNames());
		if (!drain.await(() -> queues.stream().mapToLong(this.inFlight::inFlight).sum(), deadline)) {
			this.lostBuffered += drain.buffered();
		}
	}

	void stopped() {
		StepRecorder recorder = this.recorder;
		if (recorder == null) {
			return;
		}
		this.recorder = null;
		long processed = this.inFlight.finished() - this.finishedBefore;
		List<String> cut = new ArrayList<>();
		long cutMessages = 0;
		boolean noneCut = this.lostBuffered > 0;
		for (AbstractMessageListenerContainer container : this.stopping) {
			long inHand = 0;
			for (String queue : container.getQueueNames()) {
				long count = this.inFlight.inFlight(queue) + this.inFlight.interrupted(queue)
						- this.interruptedBefore.getOrDefault(queue, 0L);
				if (count > 0) {
					inHand += count;
					cut.add(describe(container) + ": " + count + " messages from queue '" + queue + "'");
				}
			}
			cutMessages += inHand;
			noneCut |= inHand > 0 && container.getAcknowledgeMode() == AcknowledgeMode.NONE;
		}
		if (this.lostBuffered > 0) {
			cut.add(this.lostBuffered + " prefetched messages not processed (acknowledge mode NONE)");
			cutMessages += this.lostBuffered;
		}
		recorder.count("messages-processed", processed);
		if (cut.isEmpty()) {
			recorder.completed(this.stopping.size() + " containers, " + processed
					+ " messages processed and acked while stopping, 0 cut");
			return;
		}
		recorder.cut("messages", cutMessages, cut)
			.timedOut(cutMessages + " messages still in processing were interrupted",
					noneCut ? "with acknowledge mode NONE they and any prefetched messages are lost"
							: "the broker delivers them again");
	}

	private List<AbstractMessageListenerContainer> containers() {
		// Spring AMQP 4.1 moved MessageListenerContainer to another package: count on
		// neither
		Set<Object> all = new LinkedHashSet<>();
		for (RabbitListenerEndpointRegistry registry : this.beanFactory
			.getBeansOfType(RabbitListenerEndpointRegistry.class, false, false)
			.values()) {
			all.addAll(registry.getListenerContainers());
		}
		Collection<AbstractMessageListenerContainer> beans = this.beanFactory
			.getBeansOfType(AbstractMessageListenerContainer.class, false, false)
			.values();
		all.addAll(beans);
		return all.stream()
			.filter(AbstractMessageListenerContainer.class::isInstance)
			.map(AbstractMessageListenerContainer.class::cast)
			.filter((container) -> container.isRunning() && container.getPhase() == GracefulPhases.RABBIT_LISTENERS)
			.toList();
	}

	private static String describe(AbstractMessageListenerContainer container) {
		String name = container.getListenerId();
		return name + " (queues " + String.join(", ", container.getQueueNames()) + ")";
	}

}
