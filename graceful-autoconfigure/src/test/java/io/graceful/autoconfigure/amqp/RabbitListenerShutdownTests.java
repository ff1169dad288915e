package io.graceful.autoconfigure.amqp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestRabbit.Received;
import io.graceful.autoconfigure.testsupport.TestRabbit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RabbitMQ listener containers at close against a real broker, with 20 messages
 * prefetched and one in processing when the close starts: with graceful they keep
 * consuming through withdraw, finish what they hold and lose nothing; plain Spring Boot
 * cancels its consumers at once, loses prefetched messages with acknowledge mode NONE and
 * cuts a message that takes longer than 5 seconds.
 */
@ExtendWith(OutputCaptureExtension.class)
class RabbitListenerShutdownTests {

	private static final int PREFETCH = 20;

	@Test
	void defaultModeKeepsConsumingThroughWithdrawFinishesTheMessageInHandAndReturnsTheRest(CapturedOutput output)
			throws Exception {
		String queue = TestRabbit.createQueue("auto");
		// 50ms each: at most 40 in the 2s withdraw, so some are prefetched and some never
		// delivered when the listeners stop
		List<String> messages = messages(100);
		TestRabbit.publish(queue, messages);
		Run run = close(queue, RabbitTestApplication::run, "test.ack-mode=AUTO", "test.work=50",
				"graceful.withdraw.delay=2s", "graceful.rabbitmq-listeners.timeout=5s");
		assertThat(run.listener.processedDuringClose.get())
			.as("messages processed after close began: more than were prefetched then, so consuming went on")
			.isGreaterThan(PREFETCH + 1);
		assertThat(run.listener.processedDuringWithdraw.get()).as("messages processed during withdraw")
			.isGreaterThan(PREFETCH + 1);
		assertNothingLostNoDuplicates(run, messages);
		assertThat(run.left.stream().filter(Received::redelivered).count())
			.as("prefetched messages returned to the queue, which the broker flags as redelivered")
			.isBetween(1L, (long) PREFETCH);
		StepResult step = RabbitTestApplication.step(run.report, RabbitListenerShutdown.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("containers", 1L).containsEntry("messages-in-processing", 1L);
		assertThat(output)
			.contains("RabbitMQ listeners started: 1 containers (orders (queues " + queue + ")), "
					+ "1 messages in processing")
			.contains("RabbitMQ listeners finished in");
	}

	@Test
	void withoutGracefulConsumersAreCancelledTheMomentTheCloseStarts() throws Exception {
		String queue = TestRabbit.createQueue("auto-plain");
		List<String> messages = messages(60);
		TestRabbit.publish(queue, messages);
		Run run = close(queue, RabbitTestApplication::runPlain, "test.ack-mode=AUTO", "test.work=50");
		assertThat(run.listener.processedDuringClose.get())
			.as("messages processed after close began: at most the one in hand and those prefetched")
			.isLessThanOrEqualTo(PREFETCH + 1);
		assertThat(run.left).as("left on the broker").hasSizeGreaterThanOrEqualTo(messages.size() - PREFETCH - 1);
		assertNothingLostNoDuplicates(run, messages);
	}

	@Test
	void modeNoneKeepsConsumingThroughWithdrawAndProcessesEveryPrefetchedMessageWithinTheBound(CapturedOutput output)
			throws Exception {
		String queue = TestRabbit.createQueue("none");
		List<String> messages = messages(PREFETCH + 1);
		TestRabbit.publish(queue, messages);
		Run run = close(queue, RabbitTestApplication::run, "test.ack-mode=NONE", "test.work=300",
				"graceful.withdraw.delay=2s", "graceful.rabbitmq-listeners.timeout=15s");
		assertThat(run.listener.processedDuringWithdraw.get()).as("messages processed during withdraw")
			.isGreaterThan(1);
		assertThat(run.listener.processed).as("every message processed once")
			.containsExactlyInAnyOrderElementsOf(messages);
		assertThat(run.listener.duplicates.get()).isZero();
		assertThat(run.left).as("nothing left on the broker: with NONE it forgot every message it sent").isEmpty();
		StepResult step = RabbitTestApplication.step(run.report, RabbitListenerShutdown.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.cut()).isEmpty();
		assertThat(output)
			.contains("(acknowledge mode NONE, 1 containers: their prefetched messages are processed " + "first)");
	}

	@Test
	void modeNoneProcessesEveryMessageTheBrokerSentEvenBeyondThePrefetch() throws Exception {
		// with NONE the broker does not wait for acks: it sends all 200 at once, 20 fill
		// Spring AMQP's buffer and the rest wait in the client's dispatch queue
		String queue = TestRabbit.createQueue("none-many");
		List<String> messages = messages(200);
		TestRabbit.publish(queue, messages);
		Run run = close(queue, RabbitTestApplication::run, "test.ack-mode=NONE", "test.work=10",
				"graceful.rabbitmq-listeners.timeout=15s");
		assertThat(run.listener.processed).as("every message processed once")
			.containsExactlyInAnyOrderElementsOf(messages);
		assertThat(run.listener.duplicates.get()).isZero();
		assertThat(run.left).isEmpty();
		assertThat(RabbitTestApplication.step(run.report, RabbitListenerShutdown.STEP).outcome())
			.isEqualTo(StepOutcome.COMPLETED);
	}

	@Test
	void withoutGracefulModeNoneLosesThePrefetchedMessagesNotProcessedWithinFiveSeconds() throws Exception {
		String queue = TestRabbit.createQueue("none-plain");
		List<String> messages = messages(PREFETCH + 1);
		TestRabbit.publish(queue, messages);
		Run run = close(queue, RabbitTestApplication::runPlain, "test.ack-mode=NONE", "test.work=400");
		Set<String> seen = new HashSet<>(run.listener.processed);
		run.left.forEach((received) -> seen.add(received.body()));
		int lost = messages.size() - seen.size();
		assertThat(lost).as("messages neither processed nor on the broker").isGreaterThan(0);
	}

	@Test
	void withoutGracefulAMessageProcessingForLongerThanFiveSecondsIsCut() throws Exception {
		String queue = TestRabbit.createQueue("slow-plain");
		TestRabbit.publish(queue, List.of("slow-0"));
		Run run = close(queue, RabbitTestApplication::runPlain, "test.ack-mode=AUTO", "test.work=7000");
		assertThat(run.listener.interrupted.get()).as("listener interrupted mid-way").isEqualTo(1);
		assertThat(run.listener.processed).isEmpty();
		assertThat(run.left).extracting(Received::redelivered).containsExactly(true);
	}

	@Test
	void aMessageSlowerThanTheBoundIsCutAtTheBoundAndNamed(CapturedOutput output) throws Exception {
		String queue = TestRabbit.createQueue("slow");
		TestRabbit.publish(queue, List.of("slow-0", "slow-1"));
		Run run = close(queue, RabbitTestApplication::run, "test.ack-mode=AUTO", "test.work=7000",
				"graceful.rabbitmq-listeners.timeout=1s");
		StepResult step = RabbitTestApplication.step(run.report, RabbitListenerShutdown.STEP);
		assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(step.cut()).containsEntry("messages", 1L);
		assertThat(step.cutNames())
			.containsExactly("orders (queues " + queue + "): 1 messages from queue '" + queue + "'");
		assertThat(run.closeMillis).as("close moved on at the 1s bound").isLessThan(4000);
		assertThat(run.left).extracting(Received::body).containsExactlyInAnyOrder("slow-0", "slow-1");
		assertThat(output).contains("RabbitMQ listeners hit their 1s bound; 1 messages still in processing were "
				+ "interrupted: orders (queues " + queue + "): 1 messages from queue '" + queue + "'");
	}

	private static List<String> messages(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "message-" + i).toList();
	}

	private static void assertNothingLostNoDuplicates(Run run, List<String> messages) {
		List<String> all = new ArrayList<>(run.listener.processed);
		run.left.forEach((received) -> all.add(received.body()));
		assertThat(all).as("processed or back on the broker, each once").containsExactlyInAnyOrderElementsOf(messages);
		assertThat(run.listener.duplicates.get()).as("deliveries of messages already processed").isZero();
	}

	private Run close(String queue, BiFunction<Class<?>, String[], ConfigurableApplicationContext> start,
			String... properties) throws Exception {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("test.queue=" + queue);
		all.add("spring.rabbitmq.listener.simple.prefetch=" + PREFETCH);
		ConfigurableApplicationContext context = start.apply(OrderListener.class, all.toArray(String[]::new));
		ShutdownReport report = context.getBeanProvider(ShutdownReport.class).getIfAvailable();
		OrderListener listener = context.getBean(OrderListener.class);
		assertThat(listener.firstMessage.await(30, TimeUnit.SECONDS)).isTrue();
		long closeStart = System.nanoTime();
		context.close();
		long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
		Thread.sleep(200); // the broker requeues what the closed channels held
		return new Run(listener, report, TestRabbit.drain(queue), closeMillis);
	}

	record Run(OrderListener listener, ShutdownReport report, List<Received> left, long closeMillis) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		final CountDownLatch firstMessage = new CountDownLatch(1);

		final CountDownLatch closeStarted = new CountDownLatch(1);

		final List<String> processed = new CopyOnWriteArrayList<>();

		final AtomicInteger processedDuringClose = new AtomicInteger();

		final AtomicInteger processedDuringWithdraw = new AtomicInteger();

		volatile boolean withdrawing;

		final AtomicInteger duplicates = new AtomicInteger();

		final AtomicInteger interrupted = new AtomicInteger();

		private final long work;

		OrderListener(Environment environment) {
			this.work = Long.parseLong(environment.getRequiredProperty("test.work"));
		}

		@RabbitListener(id = "orders", queues = "${test.queue}", ackMode = "${test.ack-mode}")
		void onOrder(Message message) throws InterruptedException {
			String body = new String(message.getBody());
			if (this.processed.contains(body)) {
				this.duplicates.incrementAndGet();
			}
			if (this.firstMessage.getCount() > 0) {
				this.firstMessage.countDown();
				this.closeStarted.await(30, TimeUnit.SECONDS); // in processing when the
																// close starts
			}
			try {
				Thread.sleep(this.work); // the work a message takes
			}
			catch (InterruptedException ex) {
				this.interrupted.incrementAndGet();
				throw ex;
			}
			this.processed.add(body);
			if (this.closeStarted.getCount() == 0) {
				this.processedDuringClose.incrementAndGet();
			}
			if (this.withdrawing) {
				this.processedDuringWithdraw.incrementAndGet();
			}
		}

		@Bean
		SmartLifecycle withdrawEnd() {
			// stops right after withdraw, before the listeners' step
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					this.running = true;
				}

				@Override
				public void stop() {
					this.running = false;
					OrderListener.this.withdrawing = false;
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

				@Override
				public int getPhase() {
					return GracefulPhases.WITHDRAW - 1;
				}

			};
		}

		@EventListener
		void onClose(ContextClosedEvent event) {
			this.closeStarted.countDown();
		}

		@EventListener
		void onWithdraw(AvailabilityChangeEvent<ReadinessState> event) {
			// withdraw starts inside the first ContextClosedEvent listener, before this
			// bean sees that event
			if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
				this.withdrawing = true;
				this.closeStarted.countDown();
			}
		}

	}

}
