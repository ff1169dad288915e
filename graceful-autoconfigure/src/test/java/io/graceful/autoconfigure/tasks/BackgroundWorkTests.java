package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.testsupport.ShutdownTestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The background-work step on real executors and schedulers, in real applications.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackgroundWorkTests {

	@Test
	void periodicAndFarFutureScheduledTasksAreCancelledAndReportedNotAwaitedToTheBound(CapturedOutput output) {
		ConfigurableApplicationContext context = ShutdownTestApp.runWithoutDataSource(
				new Class<?>[] { SchedulingConfiguration.class }, "graceful.background-work.timeout=10s");
		Jobs jobs = context.getBean(Jobs.class);
		AtomicBoolean farFutureRan = new AtomicBoolean();
		context.getBean(TaskScheduler.class)
			.schedule(() -> farFutureRan.set(true), Instant.now().plus(Duration.ofHours(1)));
		await().atMost(Duration.ofSeconds(5)).until(() -> jobs.ticks.get() >= 2);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		Duration closed = ShutdownTestApp.close(context);
		assertThat(closed).isLessThan(Duration.ofSeconds(5));
		assertThat(farFutureRan).isFalse();
		assertThat(output).contains("2 scheduled tasks cancelled (no further runs)")
			.containsPattern("Background work finished in [0-9.]+m?s: .* 2 scheduled tasks cancelled: "
					+ "BackgroundWorkTests\\$Jobs.tick, taskScheduler: task due in 3600s");
		StepResult step = step(report);
		assertThat(step.outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(step.counts()).containsEntry("scheduled-tasks-cancelled", 2L);
	}

	@Test
	void scheduledTaskRunningAtCloseIsAwaitedAndNotStartedAgain(CapturedOutput output) {
		ConfigurableApplicationContext context = ShutdownTestApp.runWithoutDataSource(
				new Class<?>[] { SlowJobConfiguration.class }, "graceful.background-work.timeout=10s");
		SlowJob job = context.getBean(SlowJob.class);
		awaitQuietly(job.started);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		ShutdownTestApp.close(context);
		assertThat(job.runs).hasValue(1);
		assertThat(job.finished).isTrue();
		assertThat(output).contains("Background work started: 0 tasks queued and 1 running")
			.contains("1 scheduled tasks cancelled: BackgroundWorkTests$SlowJob.run");
		assertThat(step(report).counts()).containsEntry("tasks-completed", 1L);
	}

	@Test
	void taskIgnoringInterruptionIsNamedAtTheBoundAndShutdownContinues(CapturedOutput output) {
		ConfigurableApplicationContext context = ShutdownTestApp.runWithoutDataSource(
				new Class<?>[] { StubbornConfiguration.class }, "graceful.background-work.timeout=1s");
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		AtomicInteger interrupts = new AtomicInteger();
		context.getBean("stubbornExecutor", ThreadPoolTaskExecutor.class).execute(() -> {
			started.countDown();
			while (release.getCount() > 0) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					interrupts.incrementAndGet();
				}
			}
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> started.getCount() == 0);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		try {
			Duration closed = ShutdownTestApp.close(context);
			// the step's 1s bound, Spring's executor pause bounded by the 1s other-phases
			// timeout, and slack
			assertThat(closed).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(6));
			assertThat(output).containsPattern(
					"Background work hit its 1s bound; cut 1 running tasks, 0 queued tasks and 0 tracked work: "
							+ "stubbornExecutor task on thread stubborn-1 \\(running [0-9.]+s\\)");
			// the executor's shutdownNow() interrupts the task's thread; the thread
			// counts it
			// when it next runs, which may be after close() returned
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(interrupts).hasPositiveValue());
			StepResult step = step(report);
			assertThat(step.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
			assertThat(step.cut()).containsEntry("tasks", 1L);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void workSubmittedWhileTheStepWaitsRunsAndWorkSubmittedAfterItIsRejected(CapturedOutput output) {
		ConfigurableApplicationContext context = ShutdownTestApp.runWithoutDataSource(
				new Class<?>[] { LateWorkConfiguration.class }, "graceful.background-work.timeout=5s");
		ThreadPoolTaskExecutor executor = context.getBean("workExecutor", ThreadPoolTaskExecutor.class);
		TrackedWork trackedWork = context.getBean(TrackedWork.class);
		LateWork late = context.getBean(LateWork.class);
		AtomicBoolean followUpRan = new AtomicBoolean();
		AtomicBoolean trackedDuringStepEnded = new AtomicBoolean();
		executor.execute(() -> {
			awaitQuietly(late.stepAboutToStart);
			sleep(200);
			// submitted while the step waits: accepted and waited for
			executor.execute(() -> {
				sleep(200);
				followUpRan.set(true);
			});
			TrackedWork.Work work = trackedWork.begin("during-step");
			new Thread(() -> {
				sleep(300);
				trackedDuringStepEnded.set(true);
				work.close();
			}).start();
		});
		ShutdownReport report = context.getBean(ShutdownReport.class);
		ShutdownTestApp.close(context);
		assertThat(followUpRan).isTrue();
		assertThat(trackedDuringStepEnded).isTrue();
		assertThat(step(report).outcome()).isEqualTo(StepOutcome.COMPLETED);
		assertThat(late.taskFailure.get()).isInstanceOf(TaskRejectedException.class)
			.hasStackTraceContaining("Executor 'workExecutor' rejected a task: the background-work step of the "
					+ "graceful shutdown has ended");
		assertThat(late.trackedWorkFailure.get()).isInstanceOf(RejectedExecutionException.class)
			.hasMessageStartingWith("Tracked work 'late' rejected: the background-work step");
		assertThat(output).contains("Executor 'workExecutor' rejected a task submitted after background work ended");
	}

	@Test
	void runningTasksOfASimpleAsyncTaskExecutorAreAwaitedAndItsOwnDecoratorStillApplies(CapturedOutput output) {
		ConfigurableApplicationContext context = ShutdownTestApp.runWithoutDataSource(
				new Class<?>[] { SimpleAsyncConfiguration.class }, "graceful.background-work.timeout=5s");
		SimpleAsyncTaskExecutor executor = context.getBean("simpleExecutor", SimpleAsyncTaskExecutor.class);
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		AtomicReference<String> decoratedBy = new AtomicReference<>();
		executor.execute(() -> {
			decoratedBy.set(DECORATION.get());
			started.countDown();
			sleep(700);
			finished.set(true);
		});
		awaitQuietly(started);
		ShutdownReport report = context.getBean(ShutdownReport.class);
		ShutdownTestApp.close(context);
		assertThat(finished).isTrue();
		assertThat(decoratedBy).hasValue("application decorator");
		assertThat(output).contains("Background work started: 0 tasks queued and 1 running");
		assertThat(step(report).counts()).containsEntry("tasks-completed", 1L);
	}

	@Test
	void contextStopWithoutCloseLeavesExecutorsAndTrackedWorkAlone() {
		ConfigurableApplicationContext context = ShutdownTestApp
			.runWithoutDataSource(new Class<?>[] { StubbornConfiguration.class });
		try {
			ShutdownReport report = context.getBean(ShutdownReport.class);
			context.stop();
			assertThat(report.getResults()).noneMatch((result) -> result.step().equals(BackgroundWorkLifecycle.STEP));
			context.getBean(TrackedWork.class).begin("after-stop").close();
			context.start();
			CountDownLatch ran = new CountDownLatch(1);
			context.getBean("stubbornExecutor", ThreadPoolTaskExecutor.class).execute(ran::countDown);
			awaitQuietly(ran);
		}
		finally {
			context.close();
		}
	}

	private static StepResult step(ShutdownReport report) {
		return report.getResults()
			.stream()
			.filter((result) -> result.step().equals(BackgroundWorkLifecycle.STEP))
			.findFirst()
			.orElseThrow();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final ThreadLocal<String> DECORATION = new ThreadLocal<>();

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	static class Jobs {

		final AtomicInteger ticks = new AtomicInteger();

		@Scheduled(fixedRate = 50)
		void tick() {
			this.ticks.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SlowJobConfiguration {

		@Bean
		SlowJob slowJob() {
			return new SlowJob();
		}

		@Bean
		SmartLifecycle slowJobRelease(SlowJob slowJob) {
			return lifecycle(GracefulPhases.BACKGROUND_WORK + 1, slowJob.release::countDown);
		}

	}

	/**
	 * A periodic job that is running when close starts and ends only once the
	 * background-work step is about to begin.
	 */
	static class SlowJob {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger runs = new AtomicInteger();

		final AtomicBoolean finished = new AtomicBoolean();

		@Scheduled(fixedRate = 100)
		void run() {
			this.runs.incrementAndGet();
			this.started.countDown();
			awaitQuietly(this.release);
			sleep(300);
			this.finished.set(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StubbornConfiguration {

		@Bean
		ThreadPoolTaskExecutor stubbornExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(1);
			executor.setThreadNamePrefix("stubborn-");
			return executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateWorkConfiguration {

		@Bean
		ThreadPoolTaskExecutor workExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(2);
			executor.setThreadNamePrefix("work-");
			return executor;
		}

		@Bean
		LateWork lateWork(ThreadPoolTaskExecutor workExecutor, TrackedWork trackedWork) {
			return new LateWork(workExecutor, trackedWork);
		}

		@Bean
		SmartLifecycle lateWorkGate(LateWork lateWork) {
			return lateWork.gate();
		}

		@Bean
		SmartLifecycle lateWorkSubmitter(LateWork lateWork) {
			return lateWork.submitter();
		}

	}

	/**
	 * Opens a gate right before the background-work step and, right after it (before
	 * Spring pauses the executors), tries to submit more work.
	 */
	static class LateWork {

		final CountDownLatch stepAboutToStart = new CountDownLatch(1);

		final AtomicReference<Throwable> taskFailure = new AtomicReference<>();

		final AtomicReference<Throwable> trackedWorkFailure = new AtomicReference<>();

		private final ThreadPoolTaskExecutor executor;

		private final TrackedWork trackedWork;

		LateWork(ThreadPoolTaskExecutor executor, TrackedWork trackedWork) {
			this.executor = executor;
			this.trackedWork = trackedWork;
		}

		SmartLifecycle gate() {
			return lifecycle(GracefulPhases.BACKGROUND_WORK + 1, this.stepAboutToStart::countDown);
		}

		SmartLifecycle submitter() {
			return lifecycle(GracefulPhases.BACKGROUND_WORK - 1, () -> {
				this.taskFailure.set(catchThrowable(() -> this.executor.execute(() -> {
				})));
				this.trackedWorkFailure.set(catchThrowable(() -> this.trackedWork.begin("late").close()));
			});
		}

	}

	static SmartLifecycle lifecycle(int phase, Runnable onStop) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				this.running = true;
			}

			@Override
			public void stop() {
				this.running = false;
				onStop.run();
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

			@Override
			public int getPhase() {
				return phase;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	static class SimpleAsyncConfiguration {

		@Bean
		SimpleAsyncTaskExecutor simpleExecutor() {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("simple-");
			executor.setTaskDecorator((task) -> () -> {
				DECORATION.set("application decorator");
				try {
					task.run();
				}
				finally {
					DECORATION.remove();
				}
			});
			return executor;
		}

	}

}
