package io.graceful.autoconfigure.amqp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.core.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The stop of RabbitMQ listener containers, in their place of the timeline
 * ({@link GracefulPhases#RABBIT_LISTENERS}: after withdraw, before the web drain). Just
 * before Spring stops that phase, each container gets the bound as its shutdown timeout
 * and, unless its acknowledge mode is {@code NONE}, is told to stop once the message in
 * hand is acked ({@code forceStop}): its prefetched messages return to the queue when the
 * channel closes instead of holding the stop. Just after the phase, containers with
 * messages still in processing are named; Spring AMQP interrupts them at the bound. Not
 * yet handled: with {@code NONE} Spring AMQP rejects the prefetched messages once the
 * container stopped and the broker already counted them as delivered, so they are lost;
 * the log says so. Its log lines are a documented contract.
 */
class RabbitListenerShutdown {

	static final String STEP = GracefulStep.RABBITMQ_LISTENERS.id();

	private static final Log logger = LogFactory.getLog(RabbitListenerShutdown.class);

	private final ListableBeanFactory beanFactory;

	private final InFlightMessages inFlight;

	private final ShutdownReport report;

	private final Duration timeout;

	private volatile StepRecorder recorder;

	private volatile List<AbstractMessageListenerContainer> stopping = List.of();

	private long finishedBefore;

	private final Map<String, Long> interruptedBefore = new HashMap<>();

	RabbitListenerShutdown(ListableBeanFactory beanFactory, InFlightMessages inFlight, ShutdownReport report,
			Duration timeout) {
		this.beanFactory = beanFactory;
		this.inFlight = inFlight;
		this.report = report;
		this.timeout = timeout;
	}

	void stopping() {
		List<AbstractMessageListenerContainer> containers = containers();
		if (containers.isEmpty()) {
			return;
		}
		long none = 0;
		for (AbstractMessageListenerContainer container : containers) {
			container.setShutdownTimeout(this.timeout.toMillis());
			if (container.getAcknowledgeMode() == AcknowledgeMode.NONE) {
				none++;
			}
			else {
				container.setForceStop(true);
			}
		}
		this.stopping = containers;
		this.finishedBefore = this.inFlight.finished();
		this.interruptedBefore.clear();
		containers.forEach((container) -> {
			for (String queue : container.getQueueNames()) {
				this.interruptedBefore.put(queue, this.inFlight.interrupted(queue));
			}
		});
		long inHand = this.inFlight.inFlight();
		this.recorder = this.report.begin(STEP, this.timeout);
		this.recorder.count("containers", containers.size()).count("messages-in-processing", inHand);
		logger.info(
				String.format("RabbitMQ listeners stopping: %d containers (%s), %d messages in processing; "
						+ "they finish and ack them, prefetched messages return to the queue%s; waiting up to %s",
						containers.size(),
						String.join(", ", containers.stream().map(RabbitListenerShutdown::describe).toList()), inHand,
						(none > 0) ? " (not with acknowledge mode NONE, " + none
								+ " containers: their prefetched messages are lost)" : "",
						Durations.format(this.timeout)));
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
		boolean noneCut = false;
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
		recorder.count("messages-processed", processed);
		String elapsed = Durations.format(Duration.ofMillis(recorder.elapsed().toMillis()));
		if (cut.isEmpty()) {
			logger.info(String.format("RabbitMQ listeners stopped in %s: %d containers, %d messages processed and "
					+ "acked while stopping, 0 cut", elapsed, this.stopping.size(), processed));
			recorder.completed(this.stopping.size() + " containers stopped, " + processed + " messages processed");
			return;
		}
		logger.warn(String.format(
				"RabbitMQ listeners hit their %s bound; %d messages still in processing were " + "interrupted: %s; %s",
				Durations.format(this.timeout), cutMessages, String.join(", ", cut),
				noneCut ? "with acknowledge mode NONE they and any prefetched messages are lost"
						: "the broker delivers them again"));
		recorder.cut("messages", cutMessages, cut).timedOut(processed + " messages processed, " + cutMessages + " cut");
	}

	private List<AbstractMessageListenerContainer> containers() {
		Set<MessageListenerContainer> all = new LinkedHashSet<>();
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
