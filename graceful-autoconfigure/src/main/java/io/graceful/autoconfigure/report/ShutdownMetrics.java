package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.graceful.autoconfigure.tasks.TaskTrackingPostProcessor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * Shutdown metrics: requests in flight, the budget and what is left of it, a timer per
 * step (tags {@code step}, {@code outcome}) and counters of what was cut (tag
 * {@code kind}). The gauges and the zero counters are visible to a scrape while the
 * application runs; the step timers and cut counters are recorded as steps finish, when
 * the server may no longer answer a scrape.
 * <p>
 * Spring Boot closes its meter registries in a {@link ContextClosedEvent} listener, that
 * is right after the withdraw and before every lifecycle phase, and a closed registry
 * registers no new meter (Micrometer hands out no-op meters). So, in the listener just
 * after the withdraw, the step timers of every step known then (the bounded steps and
 * those already begun) are registered for every outcome; recording into them still works
 * on the closed registry. Every step has one name, its bound's and its report's alike.
 * <p>
 * With a forecast, {@code graceful.forecast.cut} tells how much a shutdown starting now
 * would cut; with executors tracked, {@code graceful.tasks.rejected} counts the tasks
 * they refused as shutdown-unsafe.
 */
class ShutdownMetrics implements MeterBinder, SmartApplicationListener {

	static final String IN_FLIGHT = "graceful.requests.in.flight";

	static final String BUDGET = "graceful.shutdown.budget";

	static final String BUDGET_REMAINING = "graceful.shutdown.budget.remaining";

	static final String STEP = "graceful.shutdown.step";

	static final String CUT = "graceful.shutdown.cut";

	static final String FORECAST_CUT = "graceful.forecast.cut";

	static final String TASKS_REJECTED = "graceful.tasks.rejected";

	static final List<String> CUT_KINDS = List.of("requests", "tasks", "connections", "records");

	private final ShutdownReport report;

	private final InFlightRequests inFlightRequests;

	private final Duration gracePeriod;

	private final ApplicationContext context;

	private final ObjectProvider<ShutdownBound> bounds;

	private final ObjectProvider<BoundedStep> steps;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private @Nullable ShutdownForecast forecast;

	private @Nullable TaskTrackingPostProcessor taskTracking;

	ShutdownMetrics(ShutdownReport report, InFlightRequests inFlightRequests, Duration gracePeriod,
			ApplicationContext context, ObjectProvider<ShutdownBound> bounds, ObjectProvider<BoundedStep> steps) {
		this.report = report;
		this.inFlightRequests = inFlightRequests;
		this.gracePeriod = gracePeriod;
		this.context = context;
		this.bounds = bounds;
		this.steps = steps;
	}

	/**
	 * Also publish {@code graceful.forecast.cut}: how much a shutdown starting now would
	 * cut, computed when scraped. Alert on it being above zero: a rollout now would lose
	 * work.
	 * @param forecast the forecast
	 */
	void publishForecast(ShutdownForecast forecast) {
		this.forecast = forecast;
	}

	/**
	 * Also publish {@code graceful.tasks.rejected}: tasks executors refused because they
	 * could not have finished within the time background work gets.
	 * @param taskTracking the tracking of the executors
	 */
	void publishRejectedTasks(TaskTrackingPostProcessor taskTracking) {
		this.taskTracking = taskTracking;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ContextClosedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (((ContextClosedEvent) event).getApplicationContext() == this.context) {
			Set<String> steps = new LinkedHashSet<>();
			this.report.getResults().forEach((result) -> steps.add(result.step()));
			this.report.getRunningSteps().forEach((recorder) -> steps.add(recorder.step()));
			for (ShutdownBound bound : ShutdownBound.all(this.bounds, this.steps)) {
				if (bound.phase() != GracefulPhases.WITHDRAW) {
					steps.add(bound.step());
				}
			}
			for (MeterRegistry registry : this.registries) {
				for (String step : steps) {
					for (StepOutcome outcome : StepOutcome.values()) {
						stepTimer(registry, step, outcome);
					}
				}
			}
		}
	}

	/**
	 * Just after the withdraw listener, before Spring Boot's registry closer.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 1;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.inFlightRequests != null) {
			Gauge.builder(IN_FLIGHT, this.inFlightRequests, InFlightRequests::count)
				.description("HTTP requests being served")
				.register(registry);
		}
		Gauge.builder(BUDGET, this, (metrics) -> metrics.gracePeriod.toNanos() / 1e9)
			.description("Time the platform allows a shutdown (graceful.grace-period)")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(BUDGET_REMAINING, this, ShutdownMetrics::remainingSeconds)
			.description("What is left of the grace period; the whole of it until a shutdown starts")
			.baseUnit("seconds")
			.register(registry);
		for (String kind : CUT_KINDS) {
			cutCounter(registry, kind);
		}
		if (this.forecast != null) {
			Gauge.builder(FORECAST_CUT, this.forecast, (forecast) -> forecast.forecast().wouldCut())
				.description("Work a shutdown starting now would cut (tasks, requests); above 0, a rollout now would "
						+ "lose work")
				.register(registry);
		}
		if (this.taskTracking != null) {
			FunctionCounter.builder(TASKS_REJECTED, this.taskTracking, TaskTrackingPostProcessor::rejectedUnsafe)
				.description("Tasks refused at submission because they could not have finished within the time "
						+ "background work gets in a shutdown")
				.register(registry);
		}
		this.registries.add(registry);
		this.report.onStepResult((result) -> record(registry, result));
	}

	private double remainingSeconds() {
		Duration remaining = this.gracePeriod.minus(this.report.elapsed());
		return remaining.isNegative() ? 0 : remaining.toNanos() / 1e9;
	}

	private void record(MeterRegistry registry, StepResult result) {
		stepTimer(registry, result.step(), result.outcome()).record(result.duration());
		result.cut().forEach((kind, number) -> cutCounter(registry, kind).increment(number));
	}

	private Timer stepTimer(MeterRegistry registry, String step, StepOutcome outcome) {
		return Timer.builder(STEP)
			.description("Duration of a shutdown step, by outcome")
			.tag("step", step)
			.tag("outcome", outcome.label())
			.register(registry);
	}

	private Counter cutCounter(MeterRegistry registry, String kind) {
		return Counter.builder(CUT)
			.description("Work a shutdown cut at a bound: requests, tasks, connections or records")
			.tag("kind", kind)
			.register(registry);
	}

}
