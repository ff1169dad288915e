package io.graceful.autoconfigure.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.testsupport.RabbitProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData.Confirm;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publisher confirms at close against a real broker of the test's own, frozen (SIGSTOP)
 * where confirms must still be pending when the close starts: with graceful the flush
 * waits for them and counts them, bounds the close when they never come, and rejects
 * sends after it fast; plain Spring Boot opens a new connection for a late send.
 */
@ExtendWith(OutputCaptureExtension.class)
class RabbitFlushTests {

	private static final int SENDS = 200;

	private static RabbitProcess broker;

	@BeforeAll
	static void startBroker() throws Exception {
		broker = RabbitProcess.start();
	}

	@AfterAll
	static void stopBroker() throws Exception {
		if (broker != null) {
			broker.thaw();
			broker.close();
		}
	}

	@Test
	void confirmedSendsInFlightAtCloseAreAllDeliveredAndCounted(CapturedOutput output) throws Exception {
		String queue = createQueue("flush");
		ConfigurableApplicationContext context = RabbitTestApplication.run(broker, Sender.class,
				"spring.rabbitmq.publisher-confirm-type=correlated", "graceful.rabbitmq-flush.timeout=10s");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		RabbitTemplate template = context.getBean(RabbitTemplate.class);
		List<CorrelationData> sends = new ArrayList<>();
		try {
			warmUp(template, queue);
			broker.freeze();
			sends.addAll(send(template, queue, SENDS));
			assertThat(sends).allSatisfy((send) -> assertThat(send.getFuture()).isNotDone());
			CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> report.getRunningSteps()
					.stream()
					.anyMatch((step) -> step.step().equals(RabbitFlushLifecycle.STEP)));
			broker.thaw();
			close.get(15, TimeUnit.SECONDS);
		}
		finally {
			broker.thaw();
			context.close();
		}
		assertThat(sends).allSatisfy((send) -> assertThat(send.getFuture().get(0, TimeUnit.SECONDS).ack()).isTrue());
		assertThat(drain(queue)).hasSize(SENDS + 1);
		StepResult step = RabbitTestApplication.step(report, RabbitFlushLifecycle.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("confirms-pending", (long) SENDS)
			.containsEntry("confirmed", (long) SENDS)
			.containsEntry("nacked", 0L)
			.containsEntry("unknown", 0L);
		assertThat(output).contains("RabbitMQ flush started: " + SENDS + " publisher confirms pending")
			.contains("RabbitMQ flush finished in")
			.contains(SENDS + " confirmed, 0 nacked by the broker, 0 unknown");
	}

	@Test
	void brokerFrozenAtShutdownClosesWithinTheBoundAndReportsTheUnknownSendsAndRejectsSendsFast(CapturedOutput output)
			throws Exception {
		String queue = createQueue("frozen");
		// without carry-over: background work would leave the flush its 3s
		ConfigurableApplicationContext context = RabbitTestApplication.run(broker, Sender.class,
				"spring.rabbitmq.publisher-confirm-type=correlated", "graceful.rabbitmq-flush.timeout=1s",
				"graceful.carry-over=false");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		RabbitTemplate template = context.getBean(RabbitTemplate.class);
		List<CorrelationData> sends = new ArrayList<>();
		AtomicReference<RuntimeException> duringFlush = new AtomicReference<>();
		long duringFlushNanos;
		long closeNanos;
		try {
			// one cached channel for the 200 sends, one for the send during the flush:
			// opening a channel needs the broker's answer
			warmUp(template, queue, 2);
			CachingConnectionFactory connectionFactory = context.getBean(CachingConnectionFactory.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Integer
					.parseInt(connectionFactory.getCacheProperties().getProperty("idleChannelsNotTx")) == 2);
			broker.freeze();
			sends.addAll(send(template, queue, SENDS));
			long start = System.nanoTime();
			CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> report.getRunningSteps()
					.stream()
					.anyMatch((step) -> step.step().equals(RabbitFlushLifecycle.STEP)));
			long sendStart = System.nanoTime();
			try {
				template.convertAndSend("", queue, "during-flush", new CorrelationData("during-flush"));
			}
			catch (RuntimeException ex) {
				duringFlush.set(ex);
			}
			duringFlushNanos = System.nanoTime() - sendStart;
			close.get(15, TimeUnit.SECONDS);
			closeNanos = System.nanoTime() - start;
		}
		finally {
			broker.thaw();
			context.close();
		}
		assertThat(duringFlush.get()).isInstanceOf(RabbitSendRejectedException.class)
			.hasMessageContaining("RabbitMQ publisher confirms were already flushed");
		assertThat(Duration.ofNanos(duringFlushNanos)).isLessThan(Duration.ofMillis(500));
		assertThat(Duration.ofNanos(closeNanos)).as("close with a frozen broker, 1s flush bound")
			.isLessThan(Duration.ofSeconds(3));
		StepResult step = RabbitTestApplication.step(report, RabbitFlushLifecycle.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(step.counts()).containsEntry("confirms-pending", (long) SENDS)
			.containsEntry("confirmed", 0L)
			.containsEntry("unknown", (long) SENDS)
			.containsEntry("sends-rejected", 1L);
		assertThat(step.cut()).containsEntry("messages", (long) SENDS);
		assertThat(output).contains("RabbitMQ flush hit its 1s bound; " + SENDS + " sends unknown");
		// Spring AMQP tells the application "nack", where the truth is "unknown"
		assertThat(sends).allSatisfy((send) -> assertThat(send.getFuture().get(5, TimeUnit.SECONDS).ack()).isFalse());
	}

	@Test
	void brokerStoppedDuringTheFlushEndsItAtOnceAndCountsEveryPendingSendAsUnknown(CapturedOutput output)
			throws Exception {
		ShutdownReport report;
		List<CorrelationData> sends = new ArrayList<>();
		long closeNanos;
		try (RabbitProcess own = RabbitProcess.start()) {
			String queue = createQueue(own, "stopped");
			ConfigurableApplicationContext context = RabbitTestApplication.run(own, Sender.class,
					"spring.rabbitmq.publisher-confirm-type=correlated", "graceful.rabbitmq-flush.timeout=5s");
			report = context.getBean(ShutdownReport.class);
			RabbitTemplate template = context.getBean(RabbitTemplate.class);
			try {
				warmUp(template, queue);
				// frozen first, so that the 200 confirms are surely pending when it stops
				own.freeze();
				sends.addAll(send(template, queue, SENDS));
				long start = System.nanoTime();
				CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> report.getRunningSteps()
						.stream()
						.anyMatch((step) -> step.step().equals(RabbitFlushLifecycle.STEP)));
				own.kill();
				close.get(15, TimeUnit.SECONDS);
				closeNanos = System.nanoTime() - start;
			}
			finally {
				context.close();
			}
		}
		assertThat(Duration.ofNanos(closeNanos)).as("close with the broker gone, 5s flush bound")
			.isLessThan(Duration.ofSeconds(5));
		StepResult step = RabbitTestApplication.step(report, RabbitFlushLifecycle.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.FAILED);
		assertThat(step.counts()).containsEntry("confirms-pending", (long) SENDS)
			.containsEntry("confirmed", 0L)
			.containsEntry("nacked", 0L)
			.containsEntry("unknown", (long) SENDS);
		assertThat(step.cut()).containsEntry("messages", (long) SENDS);
		assertThat(output).contains(SENDS + " sends unknown (no confirm before their channel closed");
		assertThat(sends).allSatisfy((send) -> assertThat(send.getFuture().get(5, TimeUnit.SECONDS).ack()).isFalse());
	}

	@Test
	void sendAfterTheFlushIsRejectedFastWithoutANewConnectionAndCounted(CapturedOutput output) throws Exception {
		String queue = createQueue("late");
		LateSender.queue = queue;
		ConfigurableApplicationContext context = RabbitTestApplication.run(broker, LateSender.class,
				"spring.rabbitmq.publisher-confirm-type=correlated");
		Attempt afterFlush = context.getBean(StoppingSender.class).attempt;
		Attempt atDestroy = context.getBean(DestroyingSender.class).attempt;
		warmUp(context.getBean(RabbitTemplate.class), queue);
		int connectionsBefore = count(output.getOut(), "Created new connection");
		context.close();
		assertThat(count(output.getOut(), "Created new connection")).as("connections opened for the late sends")
			.isEqualTo(connectionsBefore);
		assertThat(afterFlush.failure).isInstanceOf(RabbitSendRejectedException.class);
		assertThat(afterFlush.duration).isLessThan(Duration.ofMillis(500));
		assertThat(atDestroy.failure).isInstanceOf(RabbitSendRejectedException.class);
		assertThat(atDestroy.duration).isLessThan(Duration.ofMillis(500));
		assertThat(drain(queue)).hasSize(1);
		assertThat(output).contains("RabbitMQ: 2 sends were rejected after the flush");
	}

	@Test
	void withoutGracefulASendAfterTheConnectionFactoryStoppedOpensANewConnection(CapturedOutput output)
			throws Exception {
		String queue = createQueue("late-plain");
		LateSender.queue = queue;
		ConfigurableApplicationContext context = RabbitTestApplication.runPlain(broker, LateSender.class,
				"spring.rabbitmq.publisher-confirm-type=correlated");
		Attempt afterFlush = context.getBean(StoppingSender.class).attempt;
		Attempt atDestroy = context.getBean(DestroyingSender.class).attempt;
		warmUp(context.getBean(RabbitTemplate.class), queue);
		int connectionsBefore = count(output.getOut(), "Created new connection");
		context.close();
		assertThat(afterFlush.failure).isNull();
		assertThat(atDestroy.failure).isNull();
		assertThat(count(output.getOut(), "Created new connection")).as("connections opened for the late sends")
			.isGreaterThan(connectionsBefore);
		assertThat(drain(queue)).hasSize(3);
	}

	private static int count(String text, String what) {
		int count = 0;
		for (int index = text.indexOf(what); index >= 0; index = text.indexOf(what, index + 1)) {
			count++;
		}
		return count;
	}

	private static void warmUp(RabbitTemplate template, String queue, int channels) throws Exception {
		CountDownLatch open = new CountDownLatch(channels);
		List<CompletableFuture<CorrelationData>> warmUps = new ArrayList<>();
		for (int i = 0; i < channels; i++) {
			String id = "warm-up-" + i;
			warmUps.add(CompletableFuture.supplyAsync(() -> template.invoke((operations) -> {
				CorrelationData warmUp = new CorrelationData(id);
				operations.convertAndSend("", queue, id, warmUp);
				open.countDown();
				awaitAll(open);
				return warmUp;
			})));
		}
		for (CompletableFuture<CorrelationData> warmUp : warmUps) {
			assertThat(warmUp.get(10, TimeUnit.SECONDS).getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
		}
	}

	private static void awaitAll(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void warmUp(RabbitTemplate template, String queue) throws Exception {
		CorrelationData warmUp = new CorrelationData("warm-up");
		template.convertAndSend("", queue, "warm-up", warmUp);
		assertThat(warmUp.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
	}

	/**
	 * Send on one channel: a channel with confirms pending is not returned to Spring
	 * AMQP's cache until they arrive, so separate sends to a frozen broker would each
	 * wait for a new channel.
	 */
	private static List<CorrelationData> send(RabbitTemplate template, String queue, int count) {
		List<CorrelationData> sends = new ArrayList<>();
		template.invoke((operations) -> {
			for (int i = 0; i < count; i++) {
				CorrelationData correlation = new CorrelationData("m-" + i);
				operations.convertAndSend("", queue, "m-" + i, correlation);
				sends.add(correlation);
			}
			return null;
		});
		return sends;
	}

	private static String createQueue(String prefix) throws Exception {
		return createQueue(broker, prefix);
	}

	private static String createQueue(RabbitProcess broker, String prefix) throws Exception {
		String queue = prefix + "-" + System.nanoTime();
		try (Connection connection = broker.connectionFactory().newConnection("graceful-test-client");
				Channel channel = connection.createChannel()) {
			channel.queueDeclare(queue, true, false, false, null);
		}
		return queue;
	}

	private static List<String> drain(String queue) throws IOException, java.util.concurrent.TimeoutException {
		List<String> bodies = new ArrayList<>();
		try (Connection connection = broker.connectionFactory().newConnection("graceful-test-client");
				Channel channel = connection.createChannel()) {
			GetResponse response;
			while ((response = channel.basicGet(queue, true)) != null) {
				bodies.add(new String(response.getBody(), StandardCharsets.UTF_8));
			}
		}
		return bodies;
	}

	@Configuration(proxyBeanMethods = false)
	static class Sender {

	}

	/**
	 * An application that still sends after the flush: from a lifecycle bean stopping
	 * after it (and before Spring AMQP's connection factory stops), and from a bean's
	 * destruction, after every phase. The lifecycle bean looks the template up lazily:
	 * {@code RabbitTemplate} is a {@code Lifecycle} of phase 0, and Spring stops the
	 * beans that depend on a lifecycle bean before it, whatever their own phase.
	 */
	@Configuration(proxyBeanMethods = false)
	static class LateSender {

		static String queue;

		@Bean
		StoppingSender stoppingSender(ObjectProvider<RabbitTemplate> template) {
			return new StoppingSender(template);
		}

		@Bean
		DestroyingSender destroyingSender(RabbitTemplate template) {
			return new DestroyingSender(template);
		}

	}

	static final class StoppingSender implements SmartLifecycle {

		final Attempt attempt = new Attempt();

		private final ObjectProvider<RabbitTemplate> template;

		private volatile boolean running;

		StoppingSender(ObjectProvider<RabbitTemplate> template) {
			this.template = template;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.attempt.send(this.template.getObject(), "after-flush");
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE + 500;
		}

	}

	static final class DestroyingSender implements DisposableBean {

		final Attempt attempt = new Attempt();

		private final RabbitTemplate template;

		DestroyingSender(RabbitTemplate template) {
			this.template = template;
		}

		@Override
		public void destroy() {
			this.attempt.send(this.template, "at-destroy");
		}

	}

	static final class Attempt {

		volatile RuntimeException failure;

		volatile Duration duration;

		void send(RabbitTemplate template, String body) {
			long start = System.nanoTime();
			try {
				template.convertAndSend("", LateSender.queue, body);
			}
			catch (RuntimeException ex) {
				this.failure = ex;
			}
			this.duration = Duration.ofNanos(System.nanoTime() - start);
		}

	}

}
