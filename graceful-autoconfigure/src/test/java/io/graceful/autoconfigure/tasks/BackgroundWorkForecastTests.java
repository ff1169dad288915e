package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.report.GracefulEndpoint.ForecastDescriptor;
import io.graceful.autoconfigure.report.GracefulEndpoint.StepForecastDescriptor;
import io.graceful.autoconfigure.report.GracefulEndpoint;
import io.graceful.autoconfigure.report.GracefulEndpointAutoConfiguration;
import io.graceful.autoconfigure.report.ShutdownMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The forecast on the {@code graceful} endpoint and in {@code graceful.forecast.cut}: a
 * backlog a shutdown now could not finish is named with its verdict, and the verdict
 * returns to {@code fits} once the backlog is gone. The executor's mean run time is
 * seeded (1 s) so the numbers are exact.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackgroundWorkForecastTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, GracefulAutoConfiguration.class,
				GracefulEndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				ShutdownMetricsAutoConfiguration.class))
		.withPropertyValues("graceful.carry-over=false", "graceful.background-work.timeout=3s",
				"management.endpoints.web.exposure.include=graceful")
		.withUserConfiguration(TaskAdmissionTests.OneThreadExecutor.class);

	@Test
	void aBacklogAShutdownCouldNotFinishIsForecastAsCutAndFitsAgainOnceItIsGone(CapturedOutput output) {
		this.runner.run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("workExecutor", ThreadPoolTaskExecutor.class);
			context.getBean(TaskTrackingPostProcessor.class).trackers().get(0).recordRun(TimeUnit.SECONDS.toNanos(1));
			GracefulEndpoint endpoint = context.getBean(GracefulEndpoint.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(endpoint.graceful().forecast().verdict()).isEqualTo("fits");
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(5);
			for (int i = 0; i < 5; i++) {
				executor.execute(() -> {
					awaitQuietly(release);
					done.countDown();
				});
			}
			ForecastDescriptor forecast = endpoint.graceful().forecast();
			assertThat(forecast.verdict()).isEqualTo("would cut 2");
			StepForecastDescriptor step = forecast.steps()
				.stream()
				.filter((candidate) -> candidate.step().equals("background-work"))
				.findFirst()
				.orElseThrow();
			assertThat(step.verdict()).isEqualTo("would-cut");
			assertThat(step.boundMs()).isEqualTo(3000);
			assertThat(step.facts()).containsEntry("backlog", 5L).containsEntry("estimatedDrainMs", 5000L);
			assertThat(step.atRisk()).containsExactly("workExecutor: 2 of 5 tasks (1 threads, about 5s to drain)");
			assertThat(registry.get("graceful.forecast.cut").gauge().value()).isEqualTo(2.0);
			assertThat(output).contains("A shutdown now would cut 2: background-work: workExecutor: 2 of 5 tasks");
			release.countDown();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			awaitIdle(context.getBean(TaskTrackingPostProcessor.class).trackers().get(0));
			assertThat(endpoint.graceful().forecast().verdict()).isEqualTo("fits");
			assertThat(registry.get("graceful.forecast.cut").gauge().value()).isZero();
			assertThat(output).contains("A shutdown now would cut nothing again");
		});
	}

	private static void awaitIdle(TaskTracker tracker) {
		await().atMost(Duration.ofSeconds(5)).until(tracker::idle);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
