package io.graceful.autoconfigure.withdraw;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.graceful.autoconfigure.CoreAutoConfigurations;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shutdown runs once: a second close (what a second SIGTERM or SIGINT turns into)
 * during or after it changes nothing, and a close before the application was ever ready
 * does not wait the delay.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithdrawRepeatedCloseTests {

	private static final Duration DELAY = Duration.ofMillis(1500);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(CoreAutoConfigurations.CORE)
		.withPropertyValues("spring.main.cloud-platform=none");

	@Test
	void secondCloseDuringTheDelayReturnsAtOnceAndDoesNotWithdrawAgain(CapturedOutput output) {
		this.runner.withPropertyValues("graceful.withdraw.delay=" + DELAY.toMillis() + "ms").run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			ShutdownReport report = context.getBean(ShutdownReport.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			long firstStart = System.nanoTime();
			CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
				context.close();
				return System.nanoTime();
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> report.getState() == ShutdownState.WITHDRAWING);

			long secondStart = System.nanoTime();
			context.close();
			Duration second = Duration.ofNanos(System.nanoTime() - secondStart);
			long firstEnd = first.get(10, TimeUnit.SECONDS);

			assertThat(second).as("second close must not wait for the first").isLessThan(Duration.ofMillis(1000));
			assertThat(Duration.ofNanos(firstEnd - firstStart)).as("the first close still waits the whole delay")
				.isGreaterThanOrEqualTo(DELAY)
				.isLessThan(DELAY.plusSeconds(5));
			assertThat(withdrawResults(report)).hasSize(1)
				.allSatisfy((result) -> assertThat(result.outcome()).isEqualTo(StepOutcome.COMPLETED));
			assertThat(occurrences(output, "Withdraw started:")).isEqualTo(1);
			assertThat(occurrences(output, "Withdraw finished in")).isEqualTo(1);
		});
	}

	@Test
	void secondStopOfTheWithdrawStepWaitsForTheFirstInsteadOfStartingAnother(CapturedOutput output) {
		this.runner.withPropertyValues("graceful.withdraw.delay=" + DELAY.toMillis() + "ms").run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			ShutdownReport report = context.getBean(ShutdownReport.class);
			WithdrawLifecycle withdraw = context.getBean(WithdrawLifecycle.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			CompletableFuture<Void> first = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> report.getState() == ShutdownState.WITHDRAWING);

			long start = System.nanoTime();
			withdraw.stop();
			Duration second = Duration.ofNanos(System.nanoTime() - start);
			first.get(10, TimeUnit.SECONDS);

			assertThat(second).as("bounded by the one delay, not a second one").isLessThan(DELAY.plusSeconds(2));
			assertThat(withdrawResults(report)).hasSize(1);
			assertThat(occurrences(output, "Withdraw started:")).isEqualTo(1);
		});
	}

	@Test
	void closeAfterTheShutdownFinishedChangesNothing(CapturedOutput output) {
		this.runner.withPropertyValues("graceful.withdraw.delay=200ms").run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			ShutdownReport report = context.getBean(ShutdownReport.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			context.close();
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
			assertThat(withdrawResults(report)).hasSize(1);
			assertThat(occurrences(output, "Withdraw started:")).isEqualTo(1);
		});
	}

	@Test
	void closeBeforeTheApplicationWasReadySkipsTheDelay(CapturedOutput output) {
		this.runner.withPropertyValues("graceful.withdraw.delay=5s").run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			ShutdownReport report = context.getBean(ShutdownReport.class);
			long start = System.nanoTime();
			context.close();
			Duration took = Duration.ofNanos(System.nanoTime() - start);

			assertThat(took).as("a 5s delay must not be waited").isLessThan(Duration.ofSeconds(2));
			assertThat(output)
				.contains("Withdraw skipped: the application never became ready, so no load balancer routes to it");
			assertThat(output).doesNotContain("Withdraw started:");
			assertThat(withdrawResults(report)).singleElement()
				.satisfies((result) -> assertThat(result.outcome()).isEqualTo(StepOutcome.SKIPPED));
		});
	}

	@Test
	void closeAfterTheApplicationWasReadyWaitsTheDelay(CapturedOutput output) {
		// negative control for the test above: readiness is what makes the difference
		this.runner.withPropertyValues("graceful.withdraw.delay=" + DELAY.toMillis() + "ms").run((assertable) -> {
			ConfigurableApplicationContext context = assertable.getSourceApplicationContext();
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			long start = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DELAY);
			assertThat(output).contains("Withdraw started:").doesNotContain("Withdraw skipped");
		});
	}

	private static List<StepResult> withdrawResults(ShutdownReport report) {
		return report.getResults().stream().filter((result) -> result.step().equals(WithdrawLifecycle.STEP)).toList();
	}

	private static int occurrences(CapturedOutput output, String text) {
		Matcher matcher = Pattern.compile(Pattern.quote(text)).matcher(output.toString());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
