package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.KafkaListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listener containers at close against a real broker: a batch in progress is finished and
 * committed; a listener slower than the bound is left behind at the bound and named.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaListenerShutdownTests {

	private static final int BATCH = 20;

	private final String bootstrapServers = TestKafka.bootstrapServers();

	@Test
	void listenerBusyWithABatchAtCloseProcessesAllOfItAndCommitsTheOffsets(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "batch");
		String group = "batch-" + UUID.randomUUID();
		List<String> records = IntStream.range(0, BATCH).mapToObj((i) -> "record-" + i).toList();
		TestKafka.produce(this.bootstrapServers, topic, records);
		ConfigurableApplicationContext context = run(topic, group, "test.work=50",
				"graceful.kafka-listeners.timeout=10s");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		OrderListener listener = context.getBean(OrderListener.class);
		assertThat(listener.firstRecord.await(30, TimeUnit.SECONDS)).isTrue();
		context.close();
		assertThat(listener.processed).containsExactlyElementsOf(records);
		assertThat(listener.processedAfterCloseStarted).as("records of the batch processed after close began")
			.isEqualTo(BATCH);
		assertThat(TestKafka.committedOffset(this.bootstrapServers, group, topic))
			.as("a new consumer in the group starts after the batch")
			.isEqualTo(BATCH);
		StepResult step = KafkaTestApplication.step(report, KafkaListenerShutdown.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("consumers", 1L).containsEntry("consumers-stopped", 1L);
		assertThat(output).contains("Kafka listeners started: 1 consumers (orders-0 (group " + group + "))")
			.contains("Kafka listeners finished in");
	}

	@Test
	void listenerSlowerThanTheBoundIsLeftBehindAtTheBoundAndNamed(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "slow");
		String group = "slow-" + UUID.randomUUID();
		TestKafka.produce(this.bootstrapServers, topic, List.of("slow-0", "slow-1"));
		ConfigurableApplicationContext context = run(topic, group, "test.work=blocked",
				"graceful.kafka-listeners.timeout=1s");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		OrderListener listener = context.getBean(OrderListener.class);
		try {
			assertThat(listener.firstRecord.await(30, TimeUnit.SECONDS)).isTrue();
			context.close();
			Duration close = Duration.ofNanos(System.nanoTime() - listener.closeStartedNanos);
			StepResult step = KafkaTestApplication.step(report, KafkaListenerShutdown.STEP);
			assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
			assertThat(step.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(3));
			assertThat(step.cut()).containsEntry("consumers", 1L);
			assertThat(step.cutNames()).containsExactly("orders-0 (group " + group + ")");
			assertThat(close).as("close moved on at the 1s bound, not Spring's 30s").isLessThan(Duration.ofSeconds(5));
			assertThat(listener.processed).isEmpty();
			assertThat(output).contains("Kafka listeners hit their 1s bound; 1 of 1 consumers still running: orders-0");
		}
		finally {
			listener.release.countDown();
		}
	}

	private ConfigurableApplicationContext run(String topic, String group, String... properties) {
		List<String> all = new java.util.ArrayList<>(List.of(properties));
		all.addAll(List.of("test.topic=" + topic, "test.group=" + group,
				"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.max-poll-records=" + BATCH));
		return KafkaTestApplication.run(this.bootstrapServers, OrderListener.class, all.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		final CountDownLatch firstRecord = new CountDownLatch(1);

		final CountDownLatch closeStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> processed = new CopyOnWriteArrayList<>();

		private final String work;

		volatile long closeStartedNanos;

		volatile int processedAfterCloseStarted;

		OrderListener(Environment environment) {
			this.work = environment.getRequiredProperty("test.work");
		}

		@KafkaListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}")
		void onOrder(String value) throws InterruptedException {
			if (this.firstRecord.getCount() > 0) {
				this.firstRecord.countDown();
				this.closeStarted.await(30, TimeUnit.SECONDS);
			}
			if ("blocked".equals(this.work)) {
				this.release.await(30, TimeUnit.SECONDS);
				return;
			}
			Thread.sleep(Long.parseLong(this.work)); // the work a record takes
			this.processed.add(value);
			if (this.closeStarted.getCount() == 0) {
				this.processedAfterCloseStarted++;
			}
		}

		@EventListener
		void onClose(ContextClosedEvent event) {
			this.closeStartedNanos = System.nanoTime();
			this.closeStarted.countDown();
		}

	}

}
