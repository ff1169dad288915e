package io.graceful.autoconfigure.tasks;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Counts the tasks executors refused because they could not have finished within the time
 * background work gets in a shutdown ({@code graceful.tasks.rejected}), read from the
 * trackers when scraped.
 */
final class TaskAdmissionMetrics implements MeterBinder {

	static final String REJECTED = "graceful.tasks.rejected";

	private final TaskTrackingPostProcessor tracking;

	TaskAdmissionMetrics(TaskTrackingPostProcessor tracking) {
		this.tracking = tracking;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder(REJECTED, this.tracking, TaskAdmissionMetrics::rejected)
			.description("Tasks refused at submission because they could not have finished within the time "
					+ "background work gets in a shutdown")
			.register(registry);
	}

	private static double rejected(TaskTrackingPostProcessor tracking) {
		return tracking.trackers().stream().mapToLong(TaskTracker::rejectedUnsafe).sum();
	}

}
