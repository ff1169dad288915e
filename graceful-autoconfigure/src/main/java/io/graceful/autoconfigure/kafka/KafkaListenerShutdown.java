package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.LifecyclePhaseTimeout;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerStartedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.KafkaEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The stop of Spring Kafka's listener containers as graceful sees it. The containers stop
 * asynchronously in their own phase ({@code GracefulPhases.KAFKA_LISTENERS}): each
 * consumer finishes the records of its current poll, commits and closes, and the
 * lifecycle processor waits for them up to that phase's timeout (set from
 * {@code graceful.kafka-listeners.timeout}; {@code ContainerProperties.shutdownTimeout}
 * plays no part here). Consumers are followed through their started and stopped events,
 * so the phase just before names those running and the phase just after those still
 * running at the bound. Its log lines are a documented contract.
 */
class KafkaListenerShutdown implements ApplicationListener<KafkaEvent> {

	static final String STEP = GracefulStep.KAFKA_LISTENERS.id();

	private static final Logger logger = LoggerFactory.getLogger(KafkaListenerShutdown.class);

	private final Map<Object, String> running = new ConcurrentHashMap<>();

	private final ShutdownReport report;

	private final Duration listenerTimeout;

	private volatile StepRecorder recorder;

	private volatile Map<Object, String> stopping = Map.of();

	private final LifecyclePhaseTimeout phaseTimeout;

	KafkaListenerShutdown(ShutdownReport report, Duration listenerTimeout, LifecyclePhaseTimeout phaseTimeout) {
		this.report = report;
		this.listenerTimeout = listenerTimeout;
		this.phaseTimeout = phaseTimeout;
	}

	@Override
	public void onApplicationEvent(KafkaEvent event) {
		if (event instanceof ConsumerStartedEvent) {
			this.running.put(event.getSource(), describe(event.getSource()));
		}
		else if (event instanceof ConsumerStoppedEvent) {
			this.running.remove(event.getSource());
		}
	}

	private static String describe(Object container) {
		String name = (container instanceof AbstractMessageListenerContainer<?, ?> listenerContainer)
				? listenerContainer.getBeanName() : null;
		String group = null;
		if (container instanceof MessageListenerContainer listenerContainer) {
			name = (name != null) ? name : listenerContainer.getListenerId();
			group = listenerContainer.getGroupId();
		}
		name = (name != null) ? name : container.toString();
		return (group != null) ? name + " (group " + group + ")" : name;
	}

	void stopping() {
		Map<Object, String> consumers = new LinkedHashMap<>(this.running);
		if (consumers.isEmpty()) {
			return;
		}
		this.stopping = consumers;
		StepRecorder recorder = this.report.begin(GracefulStep.KAFKA_LISTENERS, this.listenerTimeout, logger);
		this.recorder = recorder;
		this.phaseTimeout.set(GracefulPhases.KAFKA_LISTENERS, STEP, recorder.allowance());
		recorder.count("consumers", consumers.size())
			.started(String.format(
					"%d consumers (%s) finish the records of their current poll and commit their " + "offsets",
					consumers.size(), String.join(", ", consumers.values())));
	}

	void stopped() {
		StepRecorder recorder = this.recorder;
		if (recorder == null) {
			return;
		}
		this.recorder = null;
		Map<Object, String> consumers = this.stopping;
		List<String> stillRunning = consumers.keySet()
			.stream()
			.filter(this.running::containsKey)
			.map(consumers::get)
			.toList();
		int stopped = consumers.size() - stillRunning.size();
		recorder.count("consumers-stopped", stopped);
		if (stillRunning.isEmpty()) {
			recorder.completed(stopped + " consumers finished their poll and committed");
			return;
		}
		recorder.cut("consumers", stillRunning.size(), stillRunning)
			.timedOut(stillRunning.size() + " of " + consumers.size() + " consumers still running",
					"records they processed without committing are delivered again after the restart");
	}

}
