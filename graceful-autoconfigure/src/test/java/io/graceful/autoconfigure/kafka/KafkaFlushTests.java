package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka flush against a real broker: records buffered at close are delivered and
 * counted, sends before the flush still work, sends after it fail fast.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaFlushTests {

	private static final String LINGER = "spring.kafka.producer.properties.linger.ms=20000";

	private static final String BATCH = "spring.kafka.producer.batch-size=1MB";

	private final String bootstrapServers = TestKafka.bootstrapServers();

	@Test
	void asyncSendsLingeringAtCloseAreAllOnTheBrokerAndCountedAsFlushed(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "linger");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers, NoBeans.class, LINGER,
				BATCH);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		KafkaTemplate<String, String> template = template(context);
		List<CompletableFuture<SendResult<String, String>>> sent = new ArrayList<>();
		IntStream.range(0, 200).forEach((i) -> sent.add(template.send(topic, "record-" + i)));
		long inFlightAtClose = sent.stream().filter((future) -> !future.isDone()).count();
		long start = System.nanoTime();
		context.close();
		Duration close = Duration.ofNanos(System.nanoTime() - start);
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		assertThat(inFlightAtClose).as("records still lingering when close began").isEqualTo(200);
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).hasSize(200)
			.containsAll(IntStream.range(0, 200).mapToObj((i) -> "record-" + i).toList());
		StepResult flush = KafkaTestApplication.step(report, KafkaFlushLifecycle.FLUSH_STEP);
		assertThat(flush.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(flush.counts()).containsEntry("records-in-flight", 200L)
			.containsEntry("records-flushed", 200L)
			.containsEntry("records-failed", 0L);
		assertThat(close).as("the flush does not wait for linger.ms").isLessThan(Duration.ofSeconds(10));
		assertThat(output).contains("Kafka flush started: 200 records in flight on 1 producers")
			.contains("records flushed, 0 failed, from 1 producers");
	}

	@Test
	void sendDuringTheDataSourceDrainPhaseStillReachesTheBroker() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "drain-phase");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers,
				SendWhileStopping.class, LINGER, "test.topic=" + topic,
				"test.phase=" + GracefulPhases.DATASOURCE_DRAIN);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		SendWhileStopping sender = context.getBean(SendWhileStopping.class);
		context.close();
		assertThat(sender.failure).isNull();
		assertThat(sender.sent.get(5, TimeUnit.SECONDS).getRecordMetadata().offset()).isZero();
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).containsExactly("sent while stopping");
		assertThat(KafkaTestApplication.step(report, KafkaFlushLifecycle.FLUSH_STEP).counts())
			.containsEntry("records-flushed", 1L);
	}

	@Test
	void sendAfterTheFlushFailsFastAndIsCounted(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "after-flush");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers,
				SendWhileStopping.class, LINGER, "test.topic=" + topic,
				"test.phase=" + (GracefulPhases.KAFKA_FLUSH - 1), "test.warm-up=true");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		SendWhileStopping sender = context.getBean(SendWhileStopping.class);
		context.close();
		assertThat(sender.failure).isInstanceOf(KafkaSendRejectedException.class)
			.hasMessageContaining("Kafka send to topic '" + topic + "' rejected");
		assertThat(sender.took).as("fails fast").isLessThan(Duration.ofMillis(500));
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).containsExactly("warm-up");
		StepResult close = KafkaTestApplication.step(report, KafkaFlushLifecycle.CLOSE_STEP);
		assertThat(close.counts()).containsEntry("sends-rejected", 1L).containsEntry("producers-closed", 1L);
		assertThat(output).contains("Kafka producers close finished in").contains("1 sends rejected after the flush");
	}

	@Test
	void sendWithoutAProducerAfterTheFactoryStoppedFailsFastInsteadOfCreatingAnOrphanProducer() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "after-close");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers, NoBeans.class, LINGER);
		KafkaTemplate<String, String> template = template(context);
		CompletableFuture<?> beforeClose = template.send(topic, "before close");
		template.flush();
		beforeClose.get(30, TimeUnit.SECONDS);
		context.close();
		long start = System.nanoTime();
		Throwable failure = null;
		try {
			template.send(topic, "after close");
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		assertThat(failure).isInstanceOf(KafkaSendRejectedException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).containsExactly("before close");
	}

	@Test
	void threadBoundProducersThatTheTemplateCannotFlushAreFlushedToo() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "thread-bound");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers,
				ProducerPerThread.class, LINGER, BATCH);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		KafkaTemplate<String, String> template = template(context);
		ExecutorService threads = Executors.newFixedThreadPool(3);
		List<CompletableFuture<SendResult<String, String>>> sent = new ArrayList<>();
		try {
			for (int thread = 0; thread < 3; thread++) {
				int t = thread;
				sent.addAll(threads
					.submit(() -> IntStream.range(0, 10)
						.mapToObj((i) -> template.send(topic, "thread-" + t + "-" + i))
						.toList())
					.get(30, TimeUnit.SECONDS));
			}
			template.flush();
			assertThat(sent).as("template.flush() reaches only the calling thread's producer")
				.anyMatch((future) -> !future.isDone());
			context.close();
		}
		finally {
			threads.shutdownNow();
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		assertThat(TestKafka.values(this.bootstrapServers, topic, false)).hasSize(30);
		StepResult flush = KafkaTestApplication.step(report, KafkaFlushLifecycle.FLUSH_STEP);
		assertThat(flush.counts()).containsEntry("records-flushed", 30L);
	}

	@Test
	void openTransactionAtCloseIsAbortedAndReported(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "transaction");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers, NoBeans.class,
				"spring.kafka.producer.transaction-id-prefix=tx-");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		KafkaTemplate<String, String> template = template(context);
		template.executeInTransaction((operations) -> operations.send(topic, "committed"));
		CountDownLatch inTransaction = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread worker = new Thread(() -> {
			try {
				template.executeInTransaction((operations) -> {
					operations.send(topic, "in open transaction");
					inTransaction.countDown();
					try {
						release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return null;
				});
			}
			catch (RuntimeException ex) {
				// the producer was closed under the transaction: expected
			}
		});
		worker.start();
		assertThat(inTransaction.await(30, TimeUnit.SECONDS)).isTrue();
		context.close();
		release.countDown();
		worker.join(10_000);
		assertThat(TestKafka.values(this.bootstrapServers, topic, true)).containsExactly("committed");
		StepResult close = KafkaTestApplication.step(report, KafkaFlushLifecycle.CLOSE_STEP);
		assertThat(close.counts()).containsEntry("transactions-aborted", 1L)
			.containsEntry("transaction-records-aborted", 1L);
		assertThat(output).contains("1 transactions are still open (1 records)")
			.contains("1 open transactions aborted by Kafka on close");
	}

	@Test
	void contextStoppedAndStartedAgainAcceptsSendsAgain() throws Exception {
		String topic = TestKafka.createTopic(this.bootstrapServers, "restart");
		ConfigurableApplicationContext context = KafkaTestApplication.run(this.bootstrapServers, NoBeans.class);
		try {
			KafkaTemplate<String, String> template = template(context);
			template.send(topic, "before stop").get(30, TimeUnit.SECONDS);
			context.stop();
			context.start();
			template.send(topic, "after restart").get(30, TimeUnit.SECONDS);
			assertThat(TestKafka.values(this.bootstrapServers, topic, false)).containsExactly("before stop",
					"after restart");
		}
		finally {
			context.close();
		}
	}

	@SuppressWarnings("unchecked")
	private static KafkaTemplate<String, String> template(ConfigurableApplicationContext context) {
		return context.getBean(KafkaTemplate.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

	@Configuration(proxyBeanMethods = false)
	static class ProducerPerThread {

		@Bean
		DefaultKafkaProducerFactoryCustomizer producerPerThread() {
			return (factory) -> factory.setProducerPerThread(true);
		}

	}

	/**
	 * Sends one record when the shutdown reaches its phase, as work that runs late would.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SendWhileStopping implements SmartLifecycle {

		private final KafkaTemplate<String, String> template;

		private final String topic;

		private final int phase;

		private final boolean warmUp;

		volatile CompletableFuture<SendResult<String, String>> sent;

		volatile Throwable failure;

		volatile Duration took;

		private volatile boolean running;

		SendWhileStopping(KafkaTemplate<String, String> template,
				org.springframework.core.env.Environment environment) {
			this.template = template;
			this.topic = environment.getRequiredProperty("test.topic");
			this.phase = environment.getRequiredProperty("test.phase", Integer.class);
			this.warmUp = environment.getProperty("test.warm-up", Boolean.class, false);
		}

		@Override
		public void start() {
			if (this.warmUp) {
				try {
					CompletableFuture<?> warmUp = this.template.send(this.topic, "warm-up");
					this.template.flush();
					warmUp.get(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			long start = System.nanoTime();
			try {
				this.sent = this.template.send(this.topic, "sent while stopping");
			}
			catch (RuntimeException ex) {
				this.failure = ex;
			}
			this.took = Duration.ofNanos(System.nanoTime() - start);
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
