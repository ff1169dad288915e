package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.graceful.autoconfigure.core.Durations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Tracks the tasks of one Spring-managed executor, as the outermost {@link TaskDecorator}
 * (around the executor's own decorator, if any): which are running, on which thread and
 * since when, how many finished; and, once the background-work step has ended, rejects
 * new tasks with a clear message instead of letting them be cancelled silently at the
 * executor's destruction. Queued tasks are read from the executor's own queue.
 */
final class TaskTracker implements TaskDecorator {

	private static final Log logger = LogFactory.getLog(TaskTracker.class);

	private final String beanName;

	private final Object executor;

	private final TaskDecorator delegate;

	private final Signal signal;

	private final Set<TrackedTask> running = ConcurrentHashMap.newKeySet();

	private final AtomicLong submitted = new AtomicLong();

	private final AtomicLong started = new AtomicLong();

	private final AtomicLong finished = new AtomicLong();

	private final AtomicBoolean rejectionLogged = new AtomicBoolean();

	private final AtomicLong rejectedUnsafe = new AtomicLong();

	private final AtomicBoolean unsafeRejectionLogged = new AtomicBoolean();

	private volatile @Nullable TaskAdmission admission;

	/**
	 * Mean run time of recent tasks (weight 1/8 for the newest), 0 until one finished.
	 */
	private volatile long meanRunNanos;

	private volatile String rejectReason;

	TaskTracker(String beanName, Object executor, TaskDecorator delegate, Signal signal) {
		this.beanName = beanName;
		this.executor = executor;
		this.delegate = delegate;
		this.signal = signal;
	}

	String beanName() {
		return this.beanName;
	}

	boolean isScheduler() {
		return this.executor instanceof ThreadPoolTaskScheduler;
	}

	ThreadPoolTaskScheduler scheduler() {
		return (ThreadPoolTaskScheduler) this.executor;
	}

	@Override
	public Runnable decorate(Runnable task) {
		String reason = this.rejectReason;
		if (reason != null) {
			if (this.rejectionLogged.compareAndSet(false, true)) {
				logger.warn(String.format("Executor '%s' rejected a task submitted after background work ended; "
						+ "the caller gets a TaskRejectedException", this.beanName));
			}
			throw new TaskRejectedException("Executor '" + this.beanName + "' rejected a task: " + reason);
		}
		TaskAdmission admission = this.admission;
		if (admission != null) {
			long available = admission.availableNanos();
			if (available != TaskAdmission.UNLIMITED) {
				admit(admission, available);
			}
		}
		Runnable decorated = (this.delegate != null) ? this.delegate.decorate(task) : task;
		this.submitted.incrementAndGet();
		return new TrackedTask(decorated);
	}

	/**
	 * Check submissions against the time a shutdown leaves (not for schedulers: their
	 * periodic and delayed tasks are cancelled at shutdown, not cut).
	 * @param admission the admission policy
	 */
	void admitWith(TaskAdmission admission) {
		if (!isScheduler()) {
			this.admission = admission;
		}
	}

	private void admit(TaskAdmission admission, long available) {
		long mean = this.meanRunNanos;
		if (mean == 0) {
			return;
		}
		long ahead = Math.max(0, this.submitted.get() - this.finished.get());
		int threads = threads(ahead);
		long estimate = (ahead / threads + 1) * mean;
		// a tenth of the time is kept as margin: tasks vary around their mean
		if (estimate <= available - available / 10) {
			return;
		}
		this.rejectedUnsafe.incrementAndGet();
		String message = String.format(
				"Executor '%s' rejected a task: it would finish in about %s (%d tasks ahead on %d threads, about %s "
						+ "each), too close to the end of %s (a tenth is kept as margin); retry later or on another "
						+ "instance",
				this.beanName, format(estimate), ahead, threads, format(mean), admission.describe(available));
		if (this.unsafeRejectionLogged.compareAndSet(false, true)) {
			logger.warn(message + " (logged once; every rejection is counted in graceful.tasks.rejected)");
		}
		throw new ShutdownUnsafeTaskRejectedException(message, this.beanName, Duration.ofNanos(estimate),
				Duration.ofNanos(Math.max(0, available)));
	}

	private static String format(long nanos) {
		return Durations.format(Duration.ofMillis(nanos / 1_000_000));
	}

	/**
	 * The threads that work through the backlog: the pool's core size while its queue
	 * takes tasks, its maximum when it hands them over directly; for a
	 * {@link SimpleAsyncTaskExecutor} its concurrency limit, or one thread per task.
	 */
	private int threads(long ahead) {
		ThreadPoolExecutor pool = pool();
		if (pool != null) {
			int threads = (pool.getQueue().remainingCapacity() == 0) ? pool.getMaximumPoolSize()
					: Math.max(pool.getCorePoolSize(), pool.getPoolSize());
			return Math.max(1, threads);
		}
		if (this.executor instanceof SimpleAsyncTaskExecutor simple && simple.getConcurrencyLimit() > 0) {
			return simple.getConcurrencyLimit();
		}
		return (int) Math.min(Integer.MAX_VALUE, ahead + 1);
	}

	/**
	 * Add one task's run time to the mean. Racing updates may drop a sample: the mean is
	 * an estimate, not an account, and takes no lock.
	 * @param nanos how long the task ran
	 */
	void recordRun(long nanos) {
		long mean = this.meanRunNanos;
		this.meanRunNanos = (mean == 0) ? Math.max(1, nanos) : mean + (nanos - mean) / 8;
	}

	/**
	 * What this executor's backlog would need if a shutdown started now, against the time
	 * background work would get.
	 * @param availableNanos the time background work would get
	 * @return {@code [backlog, threads, estimated drain nanos (-1 when unknown), tasks
	 * that would not finish]}
	 */
	long[] forecast(long availableNanos) {
		long backlog = Math.max(0, this.submitted.get() - this.finished.get());
		int threads = threads(backlog);
		long mean = this.meanRunNanos;
		if (backlog == 0) {
			return new long[] { 0, threads, 0, 0 };
		}
		if (mean == 0) {
			return new long[] { backlog, threads, -1, 0 };
		}
		long rounds = (backlog + threads - 1) / threads;
		long completable = (availableNanos / mean) * threads;
		return new long[] { backlog, threads, rounds * mean, Math.max(0, backlog - completable) };
	}

	long rejectedUnsafe() {
		return this.rejectedUnsafe.get();
	}

	void rejectFromNowOn(String reason) {
		this.rejectReason = reason;
	}

	/**
	 * Tasks accepted and not started. For pool executors this is the pool's queue; for a
	 * {@link SimpleAsyncTaskExecutor} the tasks whose thread has not started yet.
	 * @return the number of queued tasks
	 */
	int queued() {
		BlockingQueue<Runnable> queue = queue();
		if (queue != null) {
			int queued = 0;
			for (Runnable task : queue) {
				if (!(task instanceof Future<?> future && future.isCancelled())) {
					queued++;
				}
			}
			return queued;
		}
		return (int) Math.max(0, this.submitted.get() - this.started.get());
	}

	int running() {
		ThreadPoolExecutor pool = pool();
		int active = (pool != null) ? pool.getActiveCount() : 0;
		return Math.max(active, this.running.size());
	}

	boolean idle() {
		return queued() == 0 && running() == 0;
	}

	long finished() {
		return this.finished.get();
	}

	List<String> describeRunning() {
		long now = System.nanoTime();
		List<String> names = new ArrayList<>();
		this.running.stream()
			.sorted(Comparator.comparingLong((TrackedTask task) -> task.startNanos))
			.forEach((task) -> names
				.add(String.format("%s task on thread %s (running %s)", this.beanName, task.thread.getName(),
						Durations.format(Duration.ofMillis(Duration.ofNanos(now - task.startNanos).toMillis())))));
		int untracked = running() - names.size();
		if (untracked > 0) {
			names.add(this.beanName + ": " + untracked + " running task(s) of unknown name");
		}
		return names;
	}

	private BlockingQueue<Runnable> queue() {
		ThreadPoolExecutor pool = pool();
		return (pool != null) ? pool.getQueue() : null;
	}

	private ThreadPoolExecutor pool() {
		try {
			if (this.executor instanceof ThreadPoolTaskExecutor executor) {
				return executor.getThreadPoolExecutor();
			}
			if (this.executor instanceof ThreadPoolTaskScheduler scheduler) {
				return scheduler.getScheduledThreadPoolExecutor();
			}
		}
		catch (IllegalStateException ex) {
			// not initialized: nothing queued, nothing running
		}
		return null;
	}

	private final class TrackedTask implements Runnable {

		private final Runnable task;

		private volatile Thread thread;

		private volatile long startNanos;

		TrackedTask(Runnable task) {
			this.task = task;
		}

		@Override
		public void run() {
			this.thread = Thread.currentThread();
			this.startNanos = System.nanoTime();
			TaskTracker.this.started.incrementAndGet();
			TaskTracker.this.running.add(this);
			try {
				this.task.run();
			}
			finally {
				recordRun(System.nanoTime() - this.startNanos);
				TaskTracker.this.running.remove(this);
				TaskTracker.this.finished.incrementAndGet();
				TaskTracker.this.signal.changed();
			}
		}

		@Override
		public String toString() {
			return this.task.toString();
		}

	}

}
