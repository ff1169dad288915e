package io.graceful.autoconfigure.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.InFlightRequest;
import io.graceful.autoconfigure.core.InFlightRequests;
import io.graceful.autoconfigure.core.ShutdownBound;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepForecast;
import io.graceful.autoconfigure.core.StepRecorder;
import io.graceful.autoconfigure.core.StepResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@code graceful} actuator endpoint: where a shutdown is while it happens (state,
 * current step, elapsed time and remaining budget, requests in flight, each step's result
 * so far) and the bounds it was configured with. Spring Boot's exposure rules apply, so
 * it is not exposed over HTTP unless included in
 * {@code management.endpoints.web.exposure.include}.
 * <p>
 * Its one write operation takes the application out of rotation without stopping it
 * (readiness refuses traffic, responses carry {@code Connection: close}) and puts it
 * back, for blue/green switches and VMs. Anyone who can call it can take the instance out
 * of load balancing: it is off by default ({@code management.endpoint.graceful.access}
 * defaults to {@code read-only}); turn it on only behind actuator security.
 *
 * @since 0.1.0
 */
@Endpoint(id = "graceful", defaultAccess = Access.READ_ONLY)
public class GracefulEndpoint {

	private static final Log logger = LogFactory.getLog(GracefulEndpoint.class);

	private final ShutdownReport report;

	private final InFlightRequests inFlightRequests;

	private final List<ShutdownBound> bounds;

	private final GracefulProperties properties;

	private final ApplicationAvailability availability;

	private final ApplicationEventPublisher publisher;

	private @Nullable ShutdownForecast forecast;

	GracefulEndpoint(ShutdownReport report, InFlightRequests inFlightRequests, List<ShutdownBound> bounds,
			GracefulProperties properties, ApplicationAvailability availability, ApplicationEventPublisher publisher) {
		this.report = report;
		this.inFlightRequests = inFlightRequests;
		this.bounds = bounds.stream().sorted(Comparator.comparingInt(ShutdownBound::phase).reversed()).toList();
		this.properties = properties;
		this.availability = availability;
		this.publisher = publisher;
	}

	void setForecast(@Nullable ShutdownForecast forecast) {
		this.forecast = forecast;
	}

	/**
	 * Take the application out of rotation without stopping it, or put it back.
	 * @param inService {@code false} to withdraw (readiness {@code REFUSING_TRAFFIC},
	 * {@code Connection: close} on every HTTP/1.1 response, requests still served),
	 * {@code true} to return to service
	 * @return the state afterwards
	 */
	@WriteOperation
	public GracefulDescriptor rotation(boolean inService) {
		if (this.report.getState() != ShutdownState.RUNNING) {
			throw new InvalidEndpointRequestException("The application is shutting down",
					"the application is shutting down");
		}
		if (inService) {
			if (this.inFlightRequests != null) {
				this.inFlightRequests.stopClosingConnections();
			}
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
			logger.info("Returned to rotation through the graceful endpoint: readiness is ACCEPTING_TRAFFIC");
		}
		else {
			if (this.inFlightRequests != null) {
				this.inFlightRequests.startClosingConnections();
			}
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
			logger.info("Taken out of rotation through the graceful endpoint: readiness is REFUSING_TRAFFIC; "
					+ "still serving requests, with Connection: close");
		}
		return graceful();
	}

	/**
	 * The live state of the shutdown.
	 * @return the descriptor
	 */
	@ReadOperation
	public GracefulDescriptor graceful() {
		Duration elapsed = this.report.elapsed();
		Duration gracePeriod = this.properties.getGracePeriod();
		Duration remaining = gracePeriod.minus(elapsed);
		List<InFlightRequestDescriptor> inFlight = (this.inFlightRequests != null)
				? this.inFlightRequests.snapshot().stream().map(InFlightRequestDescriptor::of).toList() : List.of();
		List<RunningStepDescriptor> running = this.report.getRunningSteps()
			.stream()
			.map(RunningStepDescriptor::of)
			.toList();
		List<StepDescriptor> steps = this.report.getResults().stream().map(StepDescriptor::of).toList();
		List<BoundDescriptor> bounds = this.bounds.stream().map(BoundDescriptor::of).toList();
		String readiness = (this.availability != null) ? String.valueOf(this.availability.getReadinessState()) : null;
		String liveness = (this.availability != null) ? String.valueOf(this.availability.getLivenessState()) : null;
		return new GracefulDescriptor(this.report.getState().name(), this.report.getCurrentStep(),
				this.report.getCloseStarted(), elapsed.toMillis(), gracePeriod.toMillis(),
				remaining.isNegative() ? 0 : remaining.toMillis(), readiness, liveness, inFlight, running, steps,
				new BudgetDescriptor(gracePeriod.toMillis(), this.properties.getSafetyMargin().toMillis(),
						this.properties.getOtherPhasesTimeout().toMillis(), bounds),
				(this.forecast != null) ? ForecastDescriptor.of(this.forecast.forecast()) : null);
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param state {@code RUNNING}, {@code WITHDRAWING}, {@code DRAINING},
	 * {@code STOPPING} or {@code STOPPED}
	 * @param currentStep the step that started last, or {@code null} before the shutdown
	 * @param closeStarted when the shutdown started, or {@code null}
	 * @param elapsedMs milliseconds since the shutdown started
	 * @param gracePeriodMs the platform's grace period
	 * @param remainingBudgetMs what is left of the grace period
	 * @param readiness the readiness state
	 * @param liveness the liveness state
	 * @param inFlightRequests the requests being served, oldest first
	 * @param runningSteps the steps started and not finished
	 * @param steps the result of each finished step, in order
	 * @param budget the configured bounds
	 */
	public record GracefulDescriptor(String state, String currentStep, Instant closeStarted, long elapsedMs,
			long gracePeriodMs, long remainingBudgetMs, String readiness, String liveness,
			List<InFlightRequestDescriptor> inFlightRequests, List<RunningStepDescriptor> runningSteps,
			List<StepDescriptor> steps, BudgetDescriptor budget, @Nullable ForecastDescriptor forecast) {

	}

	/**
	 * What a shutdown starting now would cut, per step, and the verdict.
	 *
	 * @param verdict {@code fits}, {@code fits, except what is unknown} or
	 * {@code would cut N}
	 * @param wouldCut how much would be cut in all
	 * @param steps each step's forecast
	 */
	public record ForecastDescriptor(String verdict, long wouldCut, List<StepForecastDescriptor> steps) {

		static ForecastDescriptor of(ShutdownForecast.Result result) {
			return new ForecastDescriptor(result.verdict(), result.wouldCut(),
					result.steps().stream().map(StepForecastDescriptor::of).toList());
		}

	}

	/**
	 * What one step would face if a shutdown started now.
	 *
	 * @param step the step name
	 * @param boundMs the time it would get
	 * @param verdict {@code fits}, {@code would-cut} or {@code unknown}
	 * @param wouldCut how much of it would be cut
	 * @param facts what it sees now
	 * @param atRisk what would be cut, or why it cannot tell
	 */
	public record StepForecastDescriptor(String step, long boundMs, String verdict, long wouldCut,
			Map<String, Object> facts, List<String> atRisk) {

		static StepForecastDescriptor of(StepForecast forecast) {
			return new StepForecastDescriptor(forecast.step(), forecast.bound().toMillis(),
					forecast.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-'), forecast.wouldCut(),
					forecast.facts(), forecast.atRisk());
		}

	}

	/**
	 * A request in flight; method and path only, never query strings or headers.
	 *
	 * @param method the HTTP method
	 * @param path the path
	 * @param ageMs how long it has been running
	 */
	public record InFlightRequestDescriptor(String method, String path, long ageMs) {

		static InFlightRequestDescriptor of(InFlightRequest request) {
			return new InFlightRequestDescriptor(request.method(), request.path(), request.age().toMillis());
		}

	}

	/**
	 * A step that has started and not finished.
	 *
	 * @param step the step name
	 * @param elapsedMs time since it started
	 * @param boundMs its bound, or {@code null}
	 * @param carriedOverMs the time earlier steps left unused that it gets on top of its
	 * bound
	 */
	public record RunningStepDescriptor(String step, long elapsedMs, Long boundMs, long carriedOverMs) {

		static RunningStepDescriptor of(StepRecorder recorder) {
			return new RunningStepDescriptor(recorder.step(), recorder.elapsed().toMillis(), millis(recorder.bound()),
					recorder.carriedOver().toMillis());
		}

	}

	/**
	 * What a finished step did.
	 *
	 * @param step the step name
	 * @param started when it started
	 * @param durationMs how long it took
	 * @param boundMs its bound, or {@code null}
	 * @param carriedOverMs the time earlier steps left unused that it got on top of its
	 * bound
	 * @param outcome {@code completed}, {@code timed-out}, {@code failed} or
	 * {@code skipped}
	 * @param summary a sentence for people
	 * @param counts facts as numbers
	 * @param cut what was cut, by kind
	 * @param cutNames names of what was cut where known
	 */
	public record StepDescriptor(String step, Instant started, long durationMs, Long boundMs, long carriedOverMs,
			String outcome, String summary, Map<String, Long> counts, Map<String, Long> cut, List<String> cutNames) {

		static StepDescriptor of(StepResult result) {
			return new StepDescriptor(result.step(), result.started(), result.duration().toMillis(),
					millis(result.bound()), result.carriedOver().toMillis(), result.outcome().label(), result.summary(),
					result.counts(), result.cut(), result.cutNames());
		}

	}

	/**
	 * The configured bounds.
	 *
	 * @param gracePeriodMs {@code graceful.grace-period}
	 * @param safetyMarginMs {@code graceful.safety-margin}
	 * @param otherPhasesTimeoutMs {@code graceful.other-phases-timeout}
	 * @param bounds every step's bound, in shutdown order
	 */
	public record BudgetDescriptor(long gracePeriodMs, long safetyMarginMs, long otherPhasesTimeoutMs,
			List<BoundDescriptor> bounds) {

	}

	/**
	 * One step's bound.
	 *
	 * @param step the step
	 * @param property the property that sets it
	 * @param durationMs the bound
	 * @param phase the lifecycle phase the step runs in
	 */
	public record BoundDescriptor(String step, String property, long durationMs, int phase) {

		static BoundDescriptor of(ShutdownBound bound) {
			return new BoundDescriptor(bound.step(), bound.property(), bound.duration().toMillis(), bound.phase());
		}

	}

	private static Long millis(Duration duration) {
		return (duration != null) ? duration.toMillis() : null;
	}

}
