package io.graceful.autoconfigure;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.tasks.TrackedWork;
import io.graceful.autoconfigure.testsupport.ShutdownTestApp;
import io.graceful.autoconfigure.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed scenario against real PostgreSQL: work acknowledged before the shutdown is in
 * the database afterwards. Each "nothing lost" test has a negative control that runs the
 * same work with {@code graceful.enabled=false} and deterministically loses.
 */
@ExtendWith(OutputCaptureExtension.class)
class AcknowledgedWorkSurvivesShutdownTests {

	private static final ExecutorService plainExecutor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "plain-worker");
		thread.setDaemon(true);
		return thread;
	});

	@BeforeAll
	static void createTable() {
		TestPostgres.execute("create table if not exists graceful_rows (run text not null, n int not null)");
	}

	@AfterAll
	static void stopPlainExecutor() {
		plainExecutor.shutdownNow();
	}

	// --- 100 @Async tasks on a 2-thread executor --------------------------------------

	/**
	 * The tasks are queued on Boot's applicationTaskExecutor (2 threads) when close
	 * starts and held until close has passed the web drain, so background work begins
	 * with 98 of them still queued; each takes about 30 ms in the database.
	 */
	@Test
	void queuedAsyncTasksAllReachTheDatabaseBeforeTheExecutorIsDestroyed(CapturedOutput output) throws Exception {
		String run = run();
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { AsyncRowsConfiguration.class },
				with("graceful.background-work.timeout=10s",
						"test.release-phase=" + (GracefulPhases.BACKGROUND_WORK + 1024)));
		submit100(context, run);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		Duration closed = ShutdownTestApp.close(context);
		assertThat(rows(run)).isEqualTo(100);
		assertThat(output).contains("Background work started: 98 tasks queued and 2 running")
			.containsPattern("Background work finished in [0-9.]+m?s: 100 tasks and tracked work completed, 0 cut");
		StepResult step = step(report, "background-work");
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("tasks-completed", 100L);
		assertThat(closed).isLessThan(Duration.ofSeconds(10));
	}

	/**
	 * Negative control: plain Spring Boot pauses the executor at Integer.MAX_VALUE / 2
	 * and waits only until no task is running (here up to a 1 s phase timeout, 30 s by
	 * default); bean destruction then cancels everything still queued. The tasks are
	 * released right after that phase, so 98 tasks of about 30 ms are still queued at
	 * destruction, deterministically.
	 * <p>
	 * The release point differs from the positive test on purpose: with the starter the
	 * tasks must be runnable before Integer.MAX_VALUE / 2, where the starter waits for
	 * them. Released that early, plain Boot usually gets lucky: both threads keep taking
	 * queued tasks, so its running count rarely drops to zero and the pause waits for the
	 * queue; it loses the queue only when both threads happen to be between two tasks at
	 * the same moment, or when running tasks outlast the phase timeout, which is what
	 * this control reproduces without waiting 30 s.
	 */
	@Test
	void withoutTheStarterQueuedAsyncTasksAreCancelledAtDestruction() throws Exception {
		String run = run();
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { AsyncRowsConfiguration.class },
				with("graceful.enabled=false", "spring.lifecycle.timeout-per-shutdown-phase=1s",
						"test.release-phase=" + (GracefulPhases.EXECUTORS_PAUSE - 1)));
		submit100(context, run);
		ShutdownTestApp.close(context);
		long rows = rows(run);
		System.out.println("Negative control: " + rows + " of 100 @Async rows written without the starter");
		assertThat(rows).isLessThan(50);
	}

	private static void submit100(ConfigurableApplicationContext context, String run) {
		RowWriter writer = context.getBean(RowWriter.class);
		for (int i = 0; i < 100; i++) {
			writer.write(run, i);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> writer.waitingForGate() == 0);
	}

	// --- tracked work holding a transaction --------------------------------------------

	@Test
	void trackedWorkHoldingATransactionCommitsBeforeThePoolCloses(CapturedOutput output) throws Exception {
		String run = run();
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { ExportConfiguration.class },
				with("graceful.background-work.timeout=8s"));
		CountDownLatch inTransaction = new CountDownLatch(1);
		CompletableFuture<Void> export = context.getBean(Exporter.class).export(run, inTransaction);
		assertThat(inTransaction.await(5, TimeUnit.SECONDS)).isTrue();
		ShutdownTestApp.close(context);
		assertThat(export).succeedsWithin(Duration.ofSeconds(1));
		assertThat(rows(run)).isEqualTo(1);
		assertThat(output).contains("1 tracked work in progress")
			.containsPattern("DataSource drain finished in [0-9.]+m?s: 1 pools closed");
		// Spring's own close at bean destruction finds the pool closed and returns at
		// once
		assertThat(output.getOut().split("Shutdown initiated", -1)).hasSize(2);
	}

	/**
	 * Negative control: without the starter nothing waits for the work; the pool is
	 * closed at bean destruction while the transaction sleeps, HikariCP aborts the
	 * connection, and the row is never committed.
	 */
	@Test
	void withoutTheStarterThePoolIsClosedUnderTrackedWork() throws Exception {
		String run = run();
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { ExportConfiguration.class },
				with("graceful.enabled=false"));
		CountDownLatch inTransaction = new CountDownLatch(1);
		CompletableFuture<Void> export = context.getBean(Exporter.class).export(run, inTransaction);
		assertThat(inTransaction.await(5, TimeUnit.SECONDS)).isTrue();
		ShutdownTestApp.close(context);
		assertThat(export).failsWithin(Duration.ofSeconds(5));
		Throwable failure = export.handle((ok, ex) -> ex).get();
		System.out.println("Negative control: tracked work failed with " + failure);
		// HikariCP aborted the connection under the running statement (the rollback then
		// finds it
		// closed), or the pool was already closed
		assertThat(failure).satisfiesAnyOf(
				(ex) -> assertThat(ex).hasStackTraceContaining("An I/O error occurred while sending to the backend"),
				(ex) -> assertThat(ex).hasStackTraceContaining("Connection is closed"),
				(ex) -> assertThat(ex).hasStackTraceContaining("has been closed"));
		assertThat(rows(run)).isZero();
	}

	// --- a query that outlives the DataSource bound -----------------------------------

	/**
	 * Untracked work keeps a connection in {@code pg_sleep(30)}; the pool sits behind
	 * Boot's {@code LazyConnectionDataSourceProxy}, so the drain has to unwrap it.
	 */
	@Test
	void queryOutlivingTheDataSourceBoundIsAbortedAndShutdownContinues(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = ShutdownTestApp.run(new Class<?>[] { ExportConfiguration.class },
				with("graceful.datasource-drain.timeout=1s", "spring.datasource.connection-fetch=lazy"));
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		HikariDataSource pool = context.getBean(javax.sql.DataSource.class).unwrap(HikariDataSource.class);
		String marker = run();
		CompletableFuture<Void> query = CompletableFuture
			.runAsync(() -> jdbc.execute("select pg_sleep(30), '" + marker + "'"), plainExecutor);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> TestPostgres.queryForLong("select count(*) from pg_stat_activity "
					+ "where state = 'active' and query like 'select pg_sleep(30), ''" + marker + "''%'") == 1);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		Duration closed = ShutdownTestApp.close(context);
		assertThat(closed).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(6));
		assertThat(output).contains("DataSource drain started: 1 HikariCP pools, 1 connections in use")
			.containsPattern("DataSource drain hit its [0-9.]+m?s bound \\(1s \\+ [0-9.]+m?s carried over\\); 1 "
					+ "connections still in use will be aborted");
		assertThat(query).failsWithin(Duration.ofSeconds(5));
		assertThat(pool.isClosed()).isTrue();
		StepResult step = step(report, "datasource-drain");
		assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(step.cut()).containsEntry("connections", 1L);
	}

	// --- helpers and test applications ------------------------------------------------

	private static String[] with(String... properties) {
		String[] dataSource = TestPostgres.dataSourceProperties();
		String[] all = new String[dataSource.length + properties.length + 2];
		System.arraycopy(dataSource, 0, all, 0, dataSource.length);
		System.arraycopy(properties, 0, all, dataSource.length, properties.length);
		all[all.length - 2] = "spring.task.execution.pool.core-size=2";
		all[all.length - 1] = "spring.task.execution.pool.max-size=2";
		return all;
	}

	private static String run() {
		return UUID.randomUUID().toString();
	}

	private static long rows(String run) {
		return TestPostgres.queryForLong("select count(*) from graceful_rows where run = '" + run + "'");
	}

	private static StepResult step(ShutdownReport report, String name) {
		return report.getResults().stream().filter((result) -> result.step().equals(name)).findFirst().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncRowsConfiguration {

		@Bean
		RowWriter rowWriter(JdbcTemplate jdbc) {
			return new RowWriter(jdbc);
		}

		@Bean
		GateReleaser gateReleaser(RowWriter rowWriter, Environment environment) {
			return new GateReleaser(rowWriter.gate(),
					environment.getRequiredProperty("test.release-phase", Integer.class));
		}

	}

	static class RowWriter {

		private final CountDownLatch gate = new CountDownLatch(1);

		private final CountDownLatch waiting = new CountDownLatch(2);

		private final JdbcTemplate jdbc;

		RowWriter(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		// accessors, not fields: callers see the @Async proxy

		public CountDownLatch gate() {
			return this.gate;
		}

		public long waitingForGate() {
			return this.waiting.getCount();
		}

		@Async
		public void write(String run, int n) {
			this.waiting.countDown();
			try {
				this.gate.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.jdbc.update("insert into graceful_rows (run, n) select ?, ? from pg_sleep(0.03)", run, n);
		}

	}

	/**
	 * Releases the tasks when close reaches its phase.
	 */
	static class GateReleaser implements SmartLifecycle {

		private final CountDownLatch gate;

		private final int phase;

		private volatile boolean running;

		GateReleaser(CountDownLatch gate, int phase) {
			this.gate = gate;
			this.phase = phase;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.gate.countDown();
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

	@Configuration(proxyBeanMethods = false)
	static class ExportConfiguration {

		@Bean
		Exporter exporter(JdbcTemplate jdbc, TransactionTemplate transactions,
				ObjectProvider<TrackedWork> trackedWork) {
			return new Exporter(jdbc, transactions, trackedWork.getIfAvailable());
		}

	}

	/**
	 * Work outside any Spring executor: a CompletableFuture on a plain executor,
	 * registered with TrackedWork when the starter is on.
	 */
	static class Exporter {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		private final TrackedWork trackedWork;

		Exporter(JdbcTemplate jdbc, TransactionTemplate transactions, TrackedWork trackedWork) {
			this.jdbc = jdbc;
			this.transactions = transactions;
			this.trackedWork = trackedWork;
		}

		CompletableFuture<Void> export(String run, CountDownLatch inTransaction) {
			TrackedWork.Work work = (this.trackedWork != null) ? this.trackedWork.begin("export") : null;
			return CompletableFuture.runAsync(() -> {
				try {
					this.transactions.executeWithoutResult((status) -> {
						this.jdbc.update("insert into graceful_rows (run, n) values (?, 1)", run);
						inTransaction.countDown();
						this.jdbc.execute("select pg_sleep(2)");
					});
				}
				finally {
					if (work != null) {
						work.close();
					}
				}
			}, plainExecutor);
		}

	}

}
