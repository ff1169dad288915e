package io.graceful.autoconfigure.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path from a real signal: {@link ProcessTestApplication} runs in a JVM of its
 * own and is stopped with SIGTERM ({@link Process#destroy()}), as a platform stops it.
 * Times are taken in this JVM around the signal; the bounds allow for a loaded 2-core
 * machine.
 */
@DisabledOnOs(OS.WINDOWS) // destroy() is SIGTERM only on Unix
class ProcessShutdownTests {

	private static final Duration DELAY = Duration.ofSeconds(3);

	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration SLOW_REQUEST = Duration.ofSeconds(5);

	/**
	 * JVM exit after the last step, signal delivery and scheduling on a loaded machine.
	 */
	private static final Duration MARGIN = Duration.ofSeconds(5);

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void sigtermWithdrawsThenDrainsTheSlowRequestAndExitsWithinTheBoundsEvenWhenSignalledTwice() throws Exception {
		try (ChildJvm child = ProcessTestJvm.start(ProcessTestApplication.class,
				arguments("--graceful.withdraw.delay=" + DELAY.toSeconds() + "s",
						"--graceful.web-drain.timeout=" + DRAIN_TIMEOUT.toSeconds() + "s"))) {
			String base = "http://127.0.0.1:" + child.awaitLine("PROCESS-TEST-PORT=(\\d+)", STARTUP);
			await().atMost(STARTUP)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> status(base + "/actuator/health/readiness") == 200);

			CompletableFuture<HttpResponse<String>> slow = this.client.sendAsync(
					get(base + "/slow?millis=" + SLOW_REQUEST.toMillis(), Duration.ofSeconds(30)),
					BodyHandlers.ofString());
			child.awaitLine("PROCESS-TEST-SLOW-STARTED", Duration.ofSeconds(10));

			long signalled = System.nanoTime();
			child.process().destroy();

			List<Sample> readiness = new ArrayList<>();
			Integer helloDuringDelay = null;
			boolean signalledTwice = false;
			while (child.process().isAlive()) {
				Integer status = statusOrNull(base + "/actuator/health/readiness");
				if (status == null) {
					break; // the listener closed: the drain has begun
				}
				readiness.add(new Sample(Duration.ofNanos(System.nanoTime() - signalled), status));
				if (status == 503 && !signalledTwice) {
					child.signal("TERM");
					signalledTwice = true;
					helloDuringDelay = statusOrNull(base + "/hello");
				}
				Thread.sleep(50);
			}

			HttpResponse<String> slowResponse = slow.get(DELAY.plus(DRAIN_TIMEOUT).plus(MARGIN).toSeconds(),
					TimeUnit.SECONDS);
			assertThat(
					child.process().waitFor(DELAY.plus(DRAIN_TIMEOUT).plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS))
				.as("exits within delay + drain timeout + margin")
				.isTrue();
			Duration exitedAfter = Duration.ofNanos(System.nanoTime() - signalled);

			assertThat(slowResponse.statusCode()).isEqualTo(200);
			assertThat(slowResponse.body()).isEqualTo("slow done");
			assertThat(readiness).as("readiness during the delay").isNotEmpty();
			assertThat(readiness).extracting(Sample::status).contains(503);
			Sample first503 = readiness.stream().filter((sample) -> sample.status() == 503).findFirst().orElseThrow();
			assertThat(first503.after()).as("503 early in the delay (the in-JVM tests hold it to 100 ms)")
				.isLessThan(DELAY.dividedBy(2));
			assertThat(readiness.subList(readiness.indexOf(first503), readiness.size())).as("never ready again")
				.extracting(Sample::status)
				.containsOnly(503);
			assertThat(signalledTwice).isTrue();
			assertThat(helloDuringDelay).as("a request during the delay is served").isEqualTo(200);
			assertThat(exitedAfter).as("waited the delay").isGreaterThanOrEqualTo(DELAY);
			assertThat(exitedAfter).as("within delay + drain + margin")
				.isLessThan(DELAY.plus(DRAIN_TIMEOUT).plus(MARGIN));
			assertThat(child.process().exitValue()).as("exit status of SIGTERM").isEqualTo(143);
			assertThat(child.count("Withdraw started:")).as("one withdraw despite two signals").isEqualTo(1);
			assertThat(child.count("Withdraw finished in")).isEqualTo(1);
			assertThat(child.count("Web drain started: 1 requests in flight"))
				.as("the slow request outlived the delay and was drained")
				.isEqualTo(1);
			assertThat(child.count("Web drain finished in")).isEqualTo(1);
			assertThat(child.count("Web drain hit its")).isZero();
		}
	}

	@Test
	void sigtermBeforeTheApplicationIsReadyExitsWithoutWaitingTheDelay() throws Exception {
		Duration delay = Duration.ofSeconds(10);
		try (ChildJvm child = ProcessTestJvm.start(ProcessTestApplication.class, arguments(
				"--graceful.withdraw.delay=" + delay.toSeconds() + "s", "--process-test.startup-pause=60s"))) {
			String base = "http://127.0.0.1:" + child.awaitLine("PROCESS-TEST-PORT=(\\d+)", STARTUP);
			child.awaitLine("PROCESS-TEST-RUNNER-STARTED", STARTUP);
			assertThat(status(base + "/actuator/health/readiness")).as("not ready yet").isEqualTo(503);

			long signalled = System.nanoTime();
			child.process().destroy();
			assertThat(child.process().waitFor(delay.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			Duration exitedAfter = Duration.ofNanos(System.nanoTime() - signalled);

			assertThat(exitedAfter).as("exits promptly, far below the %s delay", delay).isLessThan(MARGIN);
			assertThat(child.count("Withdraw skipped: the application never became ready")).isEqualTo(1);
			assertThat(child.count("Withdraw started:")).isZero();
		}
	}

	private static List<String> arguments(String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.cloud-platform=none", "--management.endpoint.health.probes.enabled=true",
				"--management.endpoints.web.exposure.include=health", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(more));
		return arguments;
	}

	private int status(String url) throws IOException, InterruptedException {
		return this.client.send(get(url, Duration.ofSeconds(2)), BodyHandlers.discarding()).statusCode();
	}

	private Integer statusOrNull(String url) throws InterruptedException {
		try {
			return status(url);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static HttpRequest get(String url, Duration timeout) {
		return HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
	}

	record Sample(Duration after, int status) {
	}

}
