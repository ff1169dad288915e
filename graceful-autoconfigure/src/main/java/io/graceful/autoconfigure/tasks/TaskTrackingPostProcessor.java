package io.graceful.autoconfigure.tasks;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ReflectionUtils;

/**
 * Puts a {@link TaskTracker} around the task decorator of every Spring-managed
 * {@link ThreadPoolTaskExecutor}, {@link ThreadPoolTaskScheduler} and
 * {@link SimpleAsyncTaskExecutor} (virtual threads and {@code SimpleAsyncTaskScheduler}
 * included) before it is initialized. The executor's own decorator, if any, keeps running
 * inside the tracker.
 *
 * @since 0.1.0
 */
public final class TaskTrackingPostProcessor implements BeanPostProcessor {

	/**
	 * The field every tracked executor keeps its decorator in (see
	 * {@link TaskTrackingRuntimeHints}).
	 */
	static final String TASK_DECORATOR_FIELD = "taskDecorator";

	private static final Log logger = LogFactory.getLog(TaskTrackingPostProcessor.class);

	private final Signal signal = new Signal();

	private final List<TaskTracker> trackers = new CopyOnWriteArrayList<>();

	private volatile @Nullable TaskAdmission admission;

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof ThreadPoolTaskExecutor || bean instanceof ThreadPoolTaskScheduler
				|| bean instanceof SimpleAsyncTaskExecutor) {
			Field field = ReflectionUtils.findField(bean.getClass(), TASK_DECORATOR_FIELD, TaskDecorator.class);
			if (field == null) {
				logger.warn(String.format(
						"Executor '%s' (%s) is not tracked: its task decorator could not be read; "
								+ "its tasks are not awaited by the graceful shutdown",
						beanName, bean.getClass().getName()));
				return bean;
			}
			TaskTracker tracker = new TaskTracker(beanName, bean, existingDecorator(field, bean), this.signal);
			if (bean instanceof ThreadPoolTaskExecutor executor) {
				executor.setTaskDecorator(tracker);
			}
			else if (bean instanceof ThreadPoolTaskScheduler scheduler) {
				scheduler.setTaskDecorator(tracker);
			}
			else {
				((SimpleAsyncTaskExecutor) bean).setTaskDecorator(tracker);
			}
			TaskAdmission admission = this.admission;
			if (admission != null) {
				tracker.admitWith(admission);
			}
			this.trackers.add(tracker);
		}
		return bean;
	}

	/**
	 * The decorator the executor was configured with. None of these executors exposes it,
	 * so it is read from the field they all keep it in; without it, the tracker would
	 * replace the application's decorator (context propagation, MDC, security).
	 */
	private static TaskDecorator existingDecorator(Field field, Object executor) {
		ReflectionUtils.makeAccessible(field);
		return (TaskDecorator) ReflectionUtils.getField(field, executor);
	}

	/**
	 * Check every tracked executor's submissions, from now on and for executors created
	 * later, against the time a shutdown leaves.
	 * @param admission the admission policy
	 */
	void admitWith(TaskAdmission admission) {
		this.admission = admission;
		for (TaskTracker tracker : this.trackers) {
			tracker.admitWith(admission);
		}
	}

	Signal signal() {
		return this.signal;
	}

	/**
	 * Create the work the application tracks itself, whose ends wake the background-work
	 * step as the executors' tasks do.
	 * @return the tracked work
	 */
	public TrackedWork newTrackedWork() {
		return new TrackedWork(this.signal);
	}

	List<TaskTracker> trackers() {
		return List.copyOf(this.trackers);
	}

	/**
	 * Tasks the tracked executors refused because they could not have finished within the
	 * time background work gets.
	 * @return the count since startup
	 */
	public long rejectedUnsafe() {
		return this.trackers.stream().mapToLong(TaskTracker::rejectedUnsafe).sum();
	}

}
