package io.graceful.autoconfigure.tasks;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Native-image hints for the reflective read of Spring's private {@code taskDecorator}
 * field that {@link TaskTrackingPostProcessor} makes on each executor it tracks, so that
 * the application's own decorator keeps running inside the tracker. The types are
 * Spring's own, always present with the starter; a user subclass of one of them is found
 * through its registered superclass. They apply only where the post-processor is
 * reachable.
 */
class TaskTrackingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		for (Class<?> executor : new Class<?>[] { ThreadPoolTaskExecutor.class, ThreadPoolTaskScheduler.class,
				SimpleAsyncTaskExecutor.class }) {
			hints.reflection()
				.registerType(executor, (type) -> type.onReachableType(TaskTrackingPostProcessor.class)
					.withField(TaskTrackingPostProcessor.TASK_DECORATOR_FIELD));
		}
		// found by walking up from it: its own declared fields are listed first
		hints.reflection()
			.registerType(SimpleAsyncTaskScheduler.class,
					(type) -> type.onReachableType(TaskTrackingPostProcessor.class));
	}

}
