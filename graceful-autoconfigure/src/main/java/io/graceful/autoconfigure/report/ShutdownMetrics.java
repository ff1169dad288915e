package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.util.List;

import io.graceful.autoconfigure.web.InFlightRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Shutdown metrics: requests in flight, the budget and what is left of it, a timer per
 * step (tags {@code step}, {@code outcome}) and counters of what was cut (tag
 * {@code kind}). The gauges and the zero counters are visible to a scrape while the
 * application runs; the step timers and cut counters are recorded as steps finish, when
 * the server may no longer answer a scrape (a push registry carries them out, and the
 * summary log line always does).
 */
class ShutdownMetrics implements MeterBinder {

	static final String IN_FLIGHT = "graceful.requests.in.flight";

	static final String BUDGET = "graceful.shutdown.budget";

	static final String BUDGET_REMAINING = "graceful.shutdown.budget.remaining";

	static final String STEP = "graceful.shutdown.step";

	static final String CUT = "graceful.shutdown.cut";

	static final List<String> CUT_KINDS = List.of("requests", "tasks", "connections", "records");

	private final ShutdownReport report;

	private final InFlightRequests inFlightRequests;

	private final Duration gracePeriod;

	ShutdownMetrics(ShutdownReport report, InFlightRequests inFlightRequests, Duration gracePeriod) {
		this.report = report;
		this.inFlightRequests = inFlightRequests;
		this.gracePeriod = gracePeriod;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.inFlightRequests != null) {
			Gauge.builder(IN_FLIGHT, this.inFlightRequests, InFlightRequests::count)
				.description("HTTP requests being served")
				.baseUnit("requests")
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
		this.report.onStepResult((result) -> record(registry, result));
	}

	private double remainingSeconds() {
		Duration remaining = this.gracePeriod.minus(this.report.elapsed());
		return remaining.isNegative() ? 0 : remaining.toNanos() / 1e9;
	}

	private void record(MeterRegistry registry, StepResult result) {
		Timer.builder(STEP)
			.description("Duration of a shutdown step, by outcome")
			.tag("step", result.step())
			.tag("outcome", result.outcome().label())
			.register(registry)
			.record(result.duration());
		result.cut().forEach((kind, number) -> cutCounter(registry, kind).increment(number));
	}

	private Counter cutCounter(MeterRegistry registry, String kind) {
		return Counter.builder(CUT)
			.description("Work a shutdown cut at a bound: requests, tasks, connections or records")
			.tag("kind", kind)
			.register(registry);
	}

}
