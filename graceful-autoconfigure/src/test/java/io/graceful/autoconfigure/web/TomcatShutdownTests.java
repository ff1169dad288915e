package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shutdown scenarios on Tomcat with Spring MVC, and those that do not depend on the
 * server: a separate management port and scheduled tasks during the delay.
 */
class TomcatShutdownTests extends AbstractWebServerShutdownTests {

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration");
	}

	@Test
	void separateManagementPortAnswersReadinessRefusedAndScheduledTasksKeepRunningDuringTheDelay() throws Exception {
		start("graceful.withdraw.delay=2s", "graceful.web-drain.timeout=1s", "management.server.port=0",
				"management.server.address=127.0.0.1");
		int managementPort = Integer.parseInt(this.context.getEnvironment().getProperty("local.management.port"));
		assertThat(managementPort).isNotEqualTo(port());
		assertThat(get(managementPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
		ScenarioMvcApplication.Ticks ticks = this.context.getBean(ScenarioMvcApplication.Ticks.class);
		closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		int ticksAtClose = ticks.count.get();
		awaitReadiness(managementPort, 503);
		assertThat(get(managementPort, "/actuator/health/readiness").body()).contains("OUT_OF_SERVICE");
		await().atMost(Duration.ofSeconds(1)).until(() -> ticks.count.get() >= ticksAtClose + 5);
		assertThat(this.moments.withdrawEnded.getCount()).as("still within the delay").isEqualTo(1);
		assertThat(get(port(), "/hello").statusCode()).isEqualTo(200);
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void trafficAwareWithdrawOnKubernetesEndsOneSecondAfterTrafficStops(CapturedOutput output) throws Exception {
		start("spring.main.cloud-platform=kubernetes", "graceful.withdraw.min-delay=5s",
				"graceful.withdraw.quiet-period=1s", "graceful.web-drain.timeout=1s");
		Prober prober = new Prober("/hello");
		prober.start();
		CompletableFuture<Duration> closed = closeInBackground();
		assertThat(this.moments.refusingTraffic.await(10, TimeUnit.SECONDS)).isTrue();
		long trafficEnd = this.moments.refusingTrafficNanos + Duration.ofSeconds(6).toNanos();
		await().atMost(Duration.ofSeconds(8)).until(() -> System.nanoTime() - trafficEnd >= 0);
		prober.stop();
		long lastSent = prober.sentBefore(Long.MAX_VALUE).stream().mapToLong(Probe::sentNanos).max().orElseThrow();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(prober.sentBefore(this.moments.withdrawEndedNanos))
			.allSatisfy((probe) -> assertThat(probe.status()).isEqualTo(200));
		Duration afterTraffic = Duration.ofNanos(this.moments.withdrawEndedNanos - lastSent);
		assertThat(afterTraffic).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofMillis(1600));
		assertThat(output).contains(
				"still serving requests (Kubernetes detected); ends early after 1s without traffic, not before 5s; "
						+ "waiting up to 10s",
				"(quiet period reached)");
		assertThat(closed).succeedsWithin(Duration.ofSeconds(30));
	}

	@Test
	void trafficAwareWithdrawOnKubernetesNeverEndsBeforeItsMinimum() throws Exception {
		start("spring.main.cloud-platform=kubernetes", "graceful.withdraw.min-delay=5s",
				"graceful.withdraw.quiet-period=1s", "graceful.web-drain.timeout=1s");
		CompletableFuture<Duration> closed = closeInBackground();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		Duration withdraw = Duration.ofNanos(this.moments.withdrawEndedNanos - this.moments.refusingTrafficNanos);
		assertThat(withdraw).isGreaterThanOrEqualTo(Duration.ofSeconds(5)).isLessThan(Duration.ofMillis(5600));
		assertThat(closed).succeedsWithin(Duration.ofSeconds(30));
	}

	@Test
	void stragglerIgnoringInterruptsHoldsTheStopOnlyForTheCappedWaits(CapturedOutput output) throws Exception {
		assertStragglerIgnoringInterruptsCostsAtMost(Duration.ofSeconds(2), output);
	}

}
