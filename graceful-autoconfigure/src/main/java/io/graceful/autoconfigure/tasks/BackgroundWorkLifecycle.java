package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.Durations;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.GracefulStep;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepForecaster;
import io.graceful.autoconfigure.core.StepRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * The background-work step: queued and running tasks of every Spring-managed executor and
 * scheduler, and {@link TrackedWork}, finish within
 * {@code graceful.background-work.timeout}. It runs at
 * {@link GracefulPhases#BACKGROUND_WORK}, after the web drain (requests may submit tasks)
 * and before Spring pauses its executors at {@link GracefulPhases#EXECUTORS_PAUSE} and
 * cancels their queues at bean destruction.
 * <p>
 * Scheduled tasks that are not due yet (periodic ones and one-shot tasks scheduled for
 * later) are cancelled when the context starts closing, right after the withdraw and
 * before Spring's own reaction to the close, so they are named in the report instead of
 * vanishing; tasks that are due or running are awaited.
 * <p>
 * Tasks submitted while the step waits are accepted and waited for. Once the step has
 * ended, tracked executors reject new tasks with a {@code TaskRejectedException} that
 * says why, and {@link TrackedWork#begin} throws a {@code RejectedExecutionException}:
 * Spring would otherwise cancel such tasks at destruction without telling anyone. The log
 * lines are a documented contract (the rollout lab parses them).
 */
public final class BackgroundWorkLifecycle
		implements SmartLifecycle, SmartApplicationListener, StepForecaster, BoundedStep {

	static final String STEP = GracefulStep.BACKGROUND_WORK.id();

	private static final Logger logger = LoggerFactory.getLogger(BackgroundWorkLifecycle.class);

	private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final ApplicationContext context;

	private final TaskTrackingPostProcessor tracking;

	private final TrackedWork trackedWork;

	private final List<ScheduledTaskHolder> scheduledTaskHolders;

	private final ShutdownReport report;

	private final Duration timeout;

	private final List<String> cancelledScheduledTasks = new ArrayList<>();

	private volatile boolean closing;

	private volatile long rejectedBeforeClose;

	private final TaskAdmission admission;

	private final boolean carryOver;

	private volatile boolean running;

	/**
	 * Create the background-work step.
	 * @param context the application context
	 * @param tracking the tracking of the executors
	 * @param trackedWork the work the application tracks itself
	 * @param scheduledTaskHolders the holders of scheduled tasks
	 * @param report the report the step writes to
	 * @param properties the bound properties
	 */
	public BackgroundWorkLifecycle(ApplicationContext context, TaskTrackingPostProcessor tracking,
			TrackedWork trackedWork, List<ScheduledTaskHolder> scheduledTaskHolders, ShutdownReport report,
			GracefulProperties properties) {
		this.context = context;
		this.tracking = tracking;
		this.trackedWork = trackedWork;
		this.scheduledTaskHolders = scheduledTaskHolders;
		this.report = report;
		this.timeout = properties.getBackgroundWork().getTimeout();
		this.carryOver = properties.isCarryOver();
		TaskAdmission admission = new TaskAdmission(report, properties.getBackgroundWork().getAdmission(),
				this.timeout);
		this.admission = admission;
		this.tracking.admitWith(admission);
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextClosedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context
				&& !this.closing) {
			this.closing = true;
			this.rejectedBeforeClose = rejectedUnsafe(this.tracking.trackers());
			cancelScheduledTasksNotDue();
		}
	}

	/**
	 * Right after the withdraw listener (which keeps scheduled tasks running during the
	 * withdraw), before Spring's schedulers react to the close.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 1;
	}

	@Override
	public void start() {
		// every bound is known once the context is refreshed; from the context, not an
		// injected provider, which would leave out this step itself
		List<ShutdownBound> bounds = ShutdownBound.all(this.context.getBeanProvider(ShutdownBound.class),
				this.context.getBeanProvider(BoundedStep.class));
		this.admission.horizon(TaskAdmission.horizon(bounds, this.carryOver));
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (!this.closing) {
			// context.stop() without a close: executors keep their work, nothing to drain
			return;
		}
		drain();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return GracefulPhases.BACKGROUND_WORK;
	}

	@Override
	public ShutdownBound shutdownBound() {
		return ShutdownBound.of(GracefulStep.BACKGROUND_WORK, this.timeout, GracefulPhases.BACKGROUND_WORK);
	}

	private synchronized void cancelScheduledTasksNotDue() {
		for (ScheduledTaskHolder holder : this.scheduledTaskHolders) {
			for (ScheduledTask task : holder.getScheduledTasks()) {
				task.cancel(false);
				this.cancelledScheduledTasks.add(shortName(task.toString()));
			}
		}
		for (TaskTracker tracker : this.tracking.trackers()) {
			if (!tracker.isScheduler()) {
				continue;
			}
			ScheduledThreadPoolExecutor pool;
			try {
				pool = tracker.scheduler().getScheduledThreadPoolExecutor();
			}
			catch (IllegalStateException ex) {
				continue;
			}
			for (Runnable queued : pool.getQueue().toArray(new Runnable[0])) {
				if (queued instanceof RunnableScheduledFuture<?> future && !future.isCancelled()) {
					long delay = future.getDelay(TimeUnit.MILLISECONDS);
					if (future.isPeriodic() || delay > 0) {
						future.cancel(false);
						this.cancelledScheduledTasks
							.add(tracker.beanName() + ": " + (future.isPeriodic() ? "periodic task"
									: "task due in " + Durations.format(Duration.ofSeconds((delay + 999) / 1000))));
					}
				}
			}
			pool.purge();
		}
	}

	private static String shortName(String name) {
		int method = name.lastIndexOf('.');
		int type = (method > 0) ? name.lastIndexOf('.', method - 1) : -1;
		return (type >= 0 && !name.contains(" ")) ? name.substring(type + 1) : name;
	}

	private void drain() {
		this.report.setState(ShutdownState.STOPPING);
		StepRecorder recorder = this.report.begin(GracefulStep.BACKGROUND_WORK, this.timeout, logger);
		long deadline = recorder.deadlineNanos();
		this.admission.stepStarted(deadline);
		List<TaskTracker> trackers = this.tracking.trackers();
		int queued = trackers.stream().mapToInt(TaskTracker::queued).sum();
		int running = trackers.stream().mapToInt(TaskTracker::running).sum();
		int tracked = this.trackedWork.inProgress();
		long finishedBefore = finished(trackers);
		List<String> cancelled = cancelledScheduledTasks();
		recorder.count("tasks-queued", queued)
			.count("tasks-running", running)
			.count("tracked-work-in-progress", tracked)
			.count("scheduled-tasks-cancelled", cancelled.size())
			.started(String.format(
					"%d tasks queued and %d running on %d executors, %d tracked work in progress, "
							+ "%d scheduled tasks cancelled (no further runs)",
					queued, running, trackers.size(), tracked, cancelled.size()));
		boolean idle = this.tracking.signal().await(() -> idle(trackers), deadline, RECHECK_NANOS);
		String reason = "the background-work step of the graceful shutdown has ended and the resources tasks use "
				+ "(DataSource, Kafka producers) are about to close; submit work before shutdown or track it "
				+ "with TrackedWork";
		trackers.forEach((tracker) -> tracker.rejectFromNowOn(reason));
		this.trackedWork.close(reason);
		if (idle) {
			// work submitted between the check and the rejection is still waited for
			idle = this.tracking.signal().await(() -> idle(trackers), deadline, RECHECK_NANOS);
		}
		long completed = finished(trackers) - finishedBefore;
		long rejected = rejectedUnsafe(trackers) - this.rejectedBeforeClose;
		recorder.count("tasks-rejected", rejected).count("tasks-completed", completed);
		String rejectedNote = (rejected > 0) ? "; " + rejected + " tasks were refused at submission during the "
				+ "shutdown (they could not have finished in time)" : "";
		String cancelledNames = cancelled.isEmpty() ? "" : ": " + String.join(", ", cancelled);
		if (idle) {
			recorder.completed(completed + " tasks and tracked work completed, 0 cut, " + cancelled.size()
					+ " scheduled tasks cancelled" + cancelledNames + rejectedNote);
			return;
		}
		int stillQueued = trackers.stream().mapToInt(TaskTracker::queued).sum();
		int stillRunning = trackers.stream().mapToInt(TaskTracker::running).sum();
		List<String> names = new ArrayList<>();
		for (TaskTracker tracker : trackers) {
			names.addAll(tracker.describeRunning());
			int waiting = tracker.queued();
			if (waiting > 0) {
				names.add(tracker.beanName() + ": " + waiting + " queued");
			}
		}
		List<String> trackedNames = this.trackedWork.describeInProgress();
		recorder.cut("tasks", stillRunning + stillQueued, names)
			.cut("tracked-work", trackedNames.size(), trackedNames)
			.timedOut(
					String.format("cut %d running tasks, %d queued tasks and %d tracked work", stillRunning,
							stillQueued, trackedNames.size()),
					String.format(
							"running tasks are interrupted and queued ones cancelled when their executors "
									+ "are destroyed; %d tasks completed, %d scheduled tasks cancelled%s%s",
							completed, cancelled.size(), cancelledNames, rejectedNote));
	}

	private synchronized List<String> cancelledScheduledTasks() {
		return List.copyOf(this.cancelledScheduledTasks);
	}

	private boolean idle(List<TaskTracker> trackers) {
		for (TaskTracker tracker : trackers) {
			if (!tracker.idle()) {
				return false;
			}
		}
		return this.trackedWork.inProgress() == 0;
	}

	/**
	 * What background work would face if a shutdown started now: each executor's backlog
	 * and estimated drain time against the time the step would get.
	 * @return the forecast
	 */
	@Override
	public StepForecast forecast() {
		long available = this.admission.horizonNanos();
		long backlog = 0;
		long wouldCut = 0;
		long longestDrain = 0;
		List<String> atRisk = new ArrayList<>();
		List<String> unknown = new ArrayList<>();
		for (TaskTracker tracker : this.tracking.trackers()) {
			if (tracker.isScheduler()) {
				continue;
			}
			long[] forecast = tracker.forecast(available);
			backlog += forecast[0];
			if (forecast[2] < 0) {
				unknown.add(tracker.beanName() + ": " + forecast[0] + " tasks, no finished task yet to estimate from");
				continue;
			}
			longestDrain = Math.max(longestDrain, forecast[2]);
			if (forecast[3] > 0) {
				wouldCut += forecast[3];
				atRisk.add(String.format("%s: %d of %d tasks (%d threads, about %s to drain)", tracker.beanName(),
						forecast[3], forecast[0], forecast[1],
						Durations.format(Duration.ofMillis(forecast[2] / 1_000_000))));
			}
		}
		int tracked = this.trackedWork.inProgress();
		Map<String, Object> facts = new LinkedHashMap<>();
		facts.put("backlog", backlog);
		facts.put("estimatedDrainMs", longestDrain / 1_000_000);
		facts.put("trackedWorkInProgress", tracked);
		Duration bound = Duration.ofNanos(available);
		if (wouldCut > 0) {
			return new StepForecast(STEP, bound, StepForecast.Verdict.WOULD_CUT, wouldCut, facts, atRisk);
		}
		if (!unknown.isEmpty()) {
			return new StepForecast(STEP, bound, StepForecast.Verdict.UNKNOWN, 0, facts, unknown);
		}
		return StepForecast.fits(STEP, bound, facts);
	}

	private static long rejectedUnsafe(List<TaskTracker> trackers) {
		return trackers.stream().mapToLong(TaskTracker::rejectedUnsafe).sum();
	}

	private long finished(List<TaskTracker> trackers) {
		return trackers.stream().mapToLong(TaskTracker::finished).sum() + this.trackedWork.finished();
	}

}
