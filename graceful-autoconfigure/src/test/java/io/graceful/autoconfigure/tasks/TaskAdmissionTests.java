package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.ShutdownTestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown-safe admission on a real one-thread executor held by latches: a task whose
 * backlog could not finish within the time background work gets is refused when it is
 * submitted, one that could is accepted, and nothing accepted is cut. The executor's mean
 * run time is seeded (1 s per task) so that the estimates are exact and the test does not
 * depend on how fast this machine runs.
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskAdmissionTests {

	private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private ConfigurableApplicationContext context;

	@AfterEach
	void releaseAndClose() {
		this.release.countDown();
		if (this.context != null && this.context.isActive()) {
			this.context.close();
		}
	}

	@Test
	void shutdownSafeAdmissionRefusesATaskThatCouldNotFinishIfAShutdownStartedNow(CapturedOutput output) {
		ThreadPoolTaskExecutor executor = start("graceful.background-work.admission=shutdown-safe");
		executor.execute(this::held);
		executor.execute(() -> {
		});
		Throwable refused = catchThrowable(() -> executor.execute(() -> {
		}));
		// ThreadPoolTaskExecutor wraps what its pool's execute threw
		assertThat(refused).isInstanceOf(TaskRejectedException.class);
		refused = refused.getCause();
		assertThat(refused).isInstanceOf(ShutdownUnsafeTaskRejectedException.class)
			.hasMessage("Executor 'workExecutor' rejected a task: it would finish in about 3s (2 tasks ahead on 1 "
					+ "threads, about 1s each), too close to the end of the 3s background work would get if a "
					+ "shutdown started now (graceful.background-work.timeout plus the bounds of the steps before "
					+ "it) (a tenth is kept as margin); retry later or on another instance");
		ShutdownUnsafeTaskRejectedException rejection = (ShutdownUnsafeTaskRejectedException) refused;
		assertThat(rejection.getExecutor()).isEqualTo("workExecutor");
		assertThat(rejection.getEstimate()).isEqualTo(Duration.ofSeconds(3));
		assertThat(rejection.getAvailable()).isEqualTo(Duration.ofSeconds(3));
		assertThat(output).contains("every rejection is counted in graceful.tasks.rejected");
	}

	@Test
	void byDefaultTheApplicationAdmitsEverythingWhileItRuns() {
		ThreadPoolTaskExecutor executor = start();
		for (int i = 0; i < 10; i++) {
			executor.execute(this::held);
		}
		assertThat(executor.getThreadPoolExecutor().getQueue()).hasSize(9);
	}

	@Test
	void anExecutorWithNoFinishedTaskYetAdmitsEverything() {
		this.context = ShutdownTestApp.runWithoutDataSource(new Class<?>[] { OneThreadExecutor.class },
				"graceful.carry-over=false", "graceful.background-work.admission=shutdown-safe");
		ThreadPoolTaskExecutor executor = this.context.getBean("workExecutor", ThreadPoolTaskExecutor.class);
		for (int i = 0; i < 10; i++) {
			executor.execute(this::held);
		}
		assertThat(executor.getThreadPoolExecutor().getQueue()).hasSize(9);
	}

	@Test
	void duringAShutdownATaskThatCouldNotFinishInWhatIsLeftIsRefusedAndNothingAcceptedIsCut(CapturedOutput output)
			throws Exception {
		ThreadPoolTaskExecutor executor = start();
		CountDownLatch ran = new CountDownLatch(2);
		executor.execute(() -> {
			held();
			ran.countDown();
		});
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		CompletableFuture<Duration> closing = CompletableFuture.supplyAsync(() -> ShutdownTestApp.close(this.context));
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> "background-work".equals(report.getCurrentStep()));
		// 1 ahead: done in about 2s, within the 3s bound less its tenth of margin even
		// if this thread was slow to get here (up to 0.7s)
		executor.execute(ran::countDown);
		// 2 ahead: about 3s, more than what is left of the 3s bound
		assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> executor.execute(() -> {
		}))
			.havingCause()
			.isInstanceOf(ShutdownUnsafeTaskRejectedException.class)
			.withMessageContaining("too close to the end of the ")
			.withMessageContaining(" left of this shutdown's background work");
		this.release.countDown();
		closing.get(20, TimeUnit.SECONDS);
		assertThat(ran.await(1, TimeUnit.SECONDS)).as("both accepted tasks ran").isTrue();
		StepResult step = report.getResults()
			.stream()
			.filter((result) -> result.step().equals("background-work"))
			.findFirst()
			.orElseThrow();
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.cut()).isEmpty();
		assertThat(step.counts()).containsEntry("tasks-rejected", 1L);
		assertThat(output).contains("1 tasks were refused at submission during the shutdown");
	}

	@Test
	void withAdmissionOffATaskIsAcceptedAndCutAtTheBound() throws Exception {
		ThreadPoolTaskExecutor executor = start("graceful.background-work.admission=off",
				"graceful.background-work.timeout=1s");
		executor.execute(this::held);
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		CompletableFuture<Duration> closing = CompletableFuture.supplyAsync(() -> ShutdownTestApp.close(this.context));
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> "background-work".equals(report.getCurrentStep()));
		executor.execute(() -> {
		});
		executor.execute(() -> {
		});
		closing.get(20, TimeUnit.SECONDS);
		StepResult step = report.getResults()
			.stream()
			.filter((result) -> result.step().equals("background-work"))
			.findFirst()
			.orElseThrow();
		assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(step.cut()).containsEntry("tasks", 3L);
	}

	private ThreadPoolTaskExecutor start(String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "graceful.carry-over=false";
		all[1] = "graceful.background-work.timeout=3s";
		System.arraycopy(properties, 0, all, 2, properties.length);
		this.context = ShutdownTestApp.runWithoutDataSource(new Class<?>[] { OneThreadExecutor.class }, all);
		ThreadPoolTaskExecutor executor = this.context.getBean("workExecutor", ThreadPoolTaskExecutor.class);
		TaskTracker tracker = this.context.getBean(TaskTrackingPostProcessor.class)
			.trackers()
			.stream()
			.filter((candidate) -> candidate.beanName().equals("workExecutor"))
			.findFirst()
			.orElseThrow();
		tracker.recordRun(ONE_SECOND);
		return executor;
	}

	private void held() {
		try {
			this.release.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OneThreadExecutor {

		@Bean
		ThreadPoolTaskExecutor workExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(1);
			executor.setMaxPoolSize(1);
			executor.setThreadNamePrefix("work-");
			return executor;
		}

	}

}
