package io.graceful.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.TestKafka;
import io.graceful.testsupport.KafkaProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker goes away before the application closes (a real broker in its own process,
 * stopped with SIGTERM while records linger in the producer): the flush gives up at its
 * bound, the close at its bound, and the log says how many records were not delivered.
 */
@ExtendWith(OutputCaptureExtension.class)
class KafkaBrokerOutageTests {

	private static KafkaProcess kafka;

	@BeforeAll
	static void startBroker() throws Exception {
		kafka = KafkaProcess.start();
	}

	@AfterAll
	static void stopBroker() {
		if (kafka != null) {
			kafka.close();
		}
	}

	@Test
	void brokerGoneBeforeCloseEndsWithinTheBoundsAndReportsUndeliveredRecords(CapturedOutput output) throws Exception {
		String topic = TestKafka.createTopic(kafka.bootstrapServers(), "outage");
		ConfigurableApplicationContext context = KafkaTestApplication.run(kafka.bootstrapServers(), NoBeans.class,
				"graceful.kafka-flush.timeout=1s", "graceful.kafka-producers-close.timeout=1s",
				// background work would leave the flush its 3s
				"graceful.carry-over=false", "spring.kafka.producer.properties.linger.ms=20000");
		ShutdownReport report = context.getBean(ShutdownReport.class);
		@SuppressWarnings("unchecked")
		KafkaTemplate<String, String> template = context.getBean(KafkaTemplate.class);
		CompletableFuture<?> beforeOutage = template.send(topic, "before outage");
		template.flush();
		beforeOutage.get(30, TimeUnit.SECONDS);
		List<CompletableFuture<SendResult<String, String>>> sent = new ArrayList<>();
		IntStream.range(0, 50).forEach((i) -> sent.add(template.send(topic, "lingering " + i)));
		kafka.stop();
		assertThat(sent).noneMatch(CompletableFuture::isDone);
		long start = System.nanoTime();
		context.close();
		Duration close = Duration.ofNanos(System.nanoTime() - start);
		assertThat(close).as("flush bound 1s + close bound 1s + 1s").isLessThan(Duration.ofSeconds(3));
		StepResult flush = KafkaTestApplication.step(report, KafkaFlushLifecycle.FLUSH_STEP);
		assertThat(flush.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(flush.cut()).containsEntry("records", 50L);
		StepResult closed = KafkaTestApplication.step(report, KafkaFlushLifecycle.CLOSE_STEP);
		assertThat(closed.counts()).containsEntry("records-failed", 50L);
		assertThat(closed.cut()).as("the flush named these 50 cut already").doesNotContainKey("records");
		assertThat(report.getResults().stream().mapToLong((result) -> result.cut().getOrDefault("records", 0L)).sum())
			.as("each record counted once in the summary")
			.isEqualTo(50);
		assertThat(sent).allSatisfy((future) -> assertThat(future).isCompletedExceptionally());
		assertThat(output).contains("Kafka flush hit its 1s bound; 50 records not delivered")
			.contains("Kafka producers close hit its 1s bound; 50 records failed");
	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

}
