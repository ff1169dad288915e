package io.graceful.autoconfigure.resources;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.jdbc.DataSourceDrainAutoConfiguration;
import io.graceful.autoconfigure.kafka.KafkaSendRejectedException;
import io.graceful.autoconfigure.kafka.KafkaShutdownAutoConfiguration;
import io.graceful.autoconfigure.tasks.TrackedWork;
import io.graceful.autoconfigure.testsupport.TestKafka;
import io.graceful.autoconfigure.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The seed scenario across steps: work that commits to PostgreSQL and then sends to Kafka
 * is running when close starts. The background-work step waits for it, the DataSource is
 * still open for its commit and the producer still there for its send, and the flush
 * delivers the record. A send after the flush fails fast and is counted.
 */
class CommitThenSendSurvivesShutdownTests {

	private static final ExecutorService plainExecutor = Executors.newSingleThreadExecutor();

	@AfterAll
	static void stopExecutor() {
		plainExecutor.shutdownNow();
	}

	@Test
	void workThatCommitsThenSendsAtCloseDeliversBothAndALaterSendFailsFast() throws Exception {
		String topic = TestKafka.createTopic(TestKafka.bootstrapServers(), "commit-then-send");
		TestPostgres.execute("CREATE TABLE IF NOT EXISTS commit_then_send (id text PRIMARY KEY)");
		String id = "order-" + System.nanoTime();
		ConfigurableApplicationContext context = run(topic);
		TrackedWork trackedWork = context.getBean(TrackedWork.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		KafkaTemplate<String, String> kafka = kafkaTemplate(context);
		CountDownLatch inTransaction = new CountDownLatch(1);
		TrackedWork.Work work = trackedWork.begin("commit-then-send " + id);
		CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
			try (work) {
				transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO commit_then_send (id) VALUES (?)", id);
					inTransaction.countDown();
					jdbc.queryForObject("SELECT pg_sleep(1.5)::text", String.class);
				});
				kafka.send(topic, id, id);
			}
		}, plainExecutor);
		assertThat(inTransaction.await(10, TimeUnit.SECONDS)).isTrue();
		ShutdownReport report = context.getBean(ShutdownReport.class);
		LateSender lateSender = context.getBean(LateSender.class);
		context.close();
		done.get(5, TimeUnit.SECONDS);
		assertThat(TestPostgres.queryForLong("SELECT count(*) FROM commit_then_send WHERE id = '" + id + "'"))
			.isEqualTo(1);
		assertThat(TestKafka.values(TestKafka.bootstrapServers(), topic, false)).containsExactly(id);
		assertThat(lateSender.failure.get()).isInstanceOf(KafkaSendRejectedException.class);
		assertThat(lateSender.took.get()).isLessThan(Duration.ofMillis(500));
		assertThat(step(report, "kafka-flush").counts()).containsEntry("records-flushed", 1L);
		assertThat(step(report, "kafka-producers-close").counts()).containsEntry("sends-rejected", 1L);
	}

	@SuppressWarnings("unchecked")
	private static KafkaTemplate<String, String> kafkaTemplate(ConfigurableApplicationContext context) {
		return context.getBean(KafkaTemplate.class);
	}

	private static StepResult step(ShutdownReport report, String name) {
		return report.getResults()
			.stream()
			.filter((result) -> result.step().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No result for step " + name + " in " + report.getResults()));
	}

	private static ConfigurableApplicationContext run(String topic) {
		return new SpringApplicationBuilder(CommitThenSendApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.registerShutdownHook(false)
			.properties(TestPostgres.dataSourceProperties())
			.properties("spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
					"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.StringSerializer",
					"spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.StringSerializer",
					// the record must still be buffered when the flush runs, so the flush
					// is what delivers it
					"spring.kafka.producer.properties.linger.ms=20000", "late.topic=" + topic,
					"graceful.background-work.timeout=5s", "graceful.datasource-drain.timeout=2s")
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ LifecycleAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, KafkaAutoConfiguration.class, GracefulAutoConfiguration.class,
			DataSourceDrainAutoConfiguration.class, KafkaShutdownAutoConfiguration.class })
	static class CommitThenSendApplication {

		@Bean
		LateSender lateSender(KafkaTemplate<String, String> kafka, Environment environment) {
			return new LateSender(kafka, environment.getProperty("late.topic"));
		}

	}

	/**
	 * Sends once the flush has run: the send must fail fast, not create a new producer.
	 */
	static class LateSender implements SmartLifecycle {

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		final AtomicReference<Duration> took = new AtomicReference<>();

		private final KafkaTemplate<String, String> kafka;

		private final String topic;

		private volatile boolean running;

		LateSender(KafkaTemplate<String, String> kafka, String topic) {
			this.kafka = kafka;
			this.topic = topic;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			long start = System.nanoTime();
			try {
				this.kafka.send(this.topic, "late", "late");
			}
			catch (RuntimeException ex) {
				this.failure.set(ex);
			}
			this.took.set(Duration.ofNanos(System.nanoTime() - start));
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return GracefulPhases.KAFKA_FLUSH - 1;
		}

	}

}
