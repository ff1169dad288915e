package io.graceful.autoconfigure.report;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepOutcome;
import io.graceful.autoconfigure.core.StepResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Tomcat withdraws while a second client polls {@code /actuator/graceful} and the
 * readiness and liveness probes; once the drain starts the server refuses connections, so
 * the later states are asserted in-process on the report the endpoint reads.
 */
class GracefulEndpointHttpTests {

	private final HttpClient poller = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final HttpClient slowClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ListAppender<ILoggingEvent> summaryLog = new ListAppender<>();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
		((Logger) LoggerFactory.getLogger(ShutdownSummary.LOGGER_NAME)).detachAppender(this.summaryLog);
	}

	@Test
	void secondClientSeesWithdrawingStateAndReadinessOutOfServiceWhileRequestsAreStillServed() throws Exception {
		start("graceful.web-drain.timeout=5s");
		Gate gate = this.context.getBean(Gate.class);
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		assertThat(((WebServerApplicationContext) this.context).getWebServer().getClass().getSimpleName())
			.isEqualTo("TomcatWebServer");
		GracefulEndpoint endpoint = this.context.getBean(GracefulEndpoint.class);
		ApplicationAvailability availability = this.context.getBean(ApplicationAvailability.class);
		List<String> statesAtStepEnd = new ArrayList<>();
		report.onStepResult((result) -> statesAtStepEnd.add(result.step() + ":" + report.getState() + ":"
				+ availability.getReadinessState() + ":" + availability.getLivenessState()));

		DocumentContext running = json(get("/actuator/graceful"));
		assertThat(running.read("$.state", String.class)).isEqualTo("RUNNING");
		assertThat(running.read("$.readiness", String.class)).isEqualTo("ACCEPTING_TRAFFIC");
		assertThat(running.read("$.remainingBudgetMs", Long.class)).isEqualTo(30_000L);
		assertThat(running.read("$.budget.bounds[*].step", List.class)).contains("withdraw", "web-drain");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		String scrape = get("/actuator/prometheus").body();
		assertThat(scrape).contains("graceful_requests_in_flight ")
			.contains("graceful_shutdown_budget_seconds 30.0")
			.contains("graceful_shutdown_budget_remaining_seconds 30.0")
			.contains("graceful_shutdown_cut_total{kind=\"requests\"} 0.0");

		CompletableFuture<HttpResponse<String>> slow = this.slowClient.sendAsync(request("/slow"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> closing = closeInBackground();

		List<String> seen = new ArrayList<>();
		List<DocumentContext> withdrawing = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
			// readiness first: the withdraw sets the state just before it publishes
			// REFUSING_TRAFFIC, so 503 must never be seen with RUNNING
			int readiness = get("/actuator/health/readiness").statusCode();
			DocumentContext graceful = json(get("/actuator/graceful"));
			String state = graceful.read("$.state", String.class);
			seen.add(state + "/" + readiness);
			if ("WITHDRAWING".equals(state) && readiness == 503) {
				withdrawing.add(graceful);
				return true;
			}
			return false;
		});
		DocumentContext graceful = withdrawing.get(0);
		assertThat(graceful.read("$.currentStep", String.class)).isEqualTo("withdraw");
		assertThat(graceful.read("$.readiness", String.class)).isEqualTo("REFUSING_TRAFFIC");
		assertThat(graceful.read("$.liveness", String.class)).isEqualTo("CORRECT");
		assertThat(graceful.read("$.runningSteps[*].step", List.class)).containsExactly("withdraw");
		assertThat(graceful.read("$.elapsedMs", Long.class)).isGreaterThanOrEqualTo(0L);
		assertThat(graceful.read("$.remainingBudgetMs", Long.class)).isLessThan(30_000L).isGreaterThan(20_000L);
		assertThat(graceful.read("$.inFlightRequests[?(@.path == '/slow')].method", List.class)).containsExactly("GET");
		assertThat(graceful.read("$.inFlightRequests[?(@.path == '/slow')].ageMs", List.class)).singleElement()
			.satisfies((age) -> assertThat(((Number) age).longValue()).isPositive());
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(json(readiness).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		HttpResponse<String> liveness = get("/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(json(liveness).read("$.status", String.class)).isEqualTo("UP");
		assertThat(get("/hello").statusCode()).as("still serving while withdrawing").isEqualTo(200);
		assertThat(seen)
			.allSatisfy((state) -> assertThat(state).isIn("RUNNING/200", "WITHDRAWING/200", "WITHDRAWING/503"));
		assertThat(seen).filteredOn("WITHDRAWING/200"::equals)
			.as("only in the instant between state and event")
			.hasSizeLessThanOrEqualTo(1);

		gate.release.countDown();
		assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closing.get(20, TimeUnit.SECONDS);

		assertThat(report.getState()).isEqualTo(ShutdownState.STOPPED);
		assertThat(statesAtStepEnd).startsWith("withdraw:WITHDRAWING:REFUSING_TRAFFIC:CORRECT",
				"web-drain:DRAINING:REFUSING_TRAFFIC:CORRECT");
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);
		GracefulEndpoint.GracefulDescriptor stopped = endpoint.graceful();
		assertThat(stopped.state()).isEqualTo("STOPPED");
		assertThat(stopped.runningSteps()).isEmpty();
		assertThat(stopped.steps())
			.extracting(GracefulEndpoint.StepDescriptor::step, GracefulEndpoint.StepDescriptor::outcome)
			.startsWith(org.assertj.core.groups.Tuple.tuple("withdraw", "completed"),
					org.assertj.core.groups.Tuple.tuple("web-drain", "completed"));
		assertThat(report.getResults()).extracting(StepResult::step, StepResult::outcome)
			.startsWith(org.assertj.core.groups.Tuple.tuple("withdraw", StepOutcome.COMPLETED),
					org.assertj.core.groups.Tuple.tuple("web-drain", StepOutcome.COMPLETED));
		assertThat(timerCount(registry, "withdraw", "completed")).isEqualTo(1);
		assertThat(timerCount(registry, "web-drain", "completed")).isEqualTo(1);
		assertThat(this.summaryLog.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel().toString()).isEqualTo("INFO");
			assertThat(event.getFormattedMessage()).startsWith("Graceful shutdown completed in ")
				.contains("withdraw ")
				.contains("web-drain ")
				.endsWith("; nothing was cut");
		});
	}

	@Test
	void requestCutAtTheDrainBoundMakesTheSummaryAWarningThatNamesIt() throws Exception {
		start("graceful.web-drain.timeout=1s");
		Gate gate = this.context.getBean(Gate.class);
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		report.onStepResult((result) -> {
			if (result.step().equals("web-drain")) {
				gate.release.countDown();
			}
		});
		CompletableFuture<HttpResponse<String>> slow = this.slowClient.sendAsync(request("/slow"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
		closeInBackground().get(30, TimeUnit.SECONDS);
		slow.handle((response, ex) -> null).get(10, TimeUnit.SECONDS);

		assertThat(report.getState()).isEqualTo(ShutdownState.STOPPED);
		StepResult drain = report.getResults()
			.stream()
			.filter((result) -> result.step().equals("web-drain"))
			.findFirst()
			.orElseThrow();
		assertThat(drain.outcome()).isEqualTo(StepOutcome.TIMED_OUT);
		assertThat(timerCount(registry, "web-drain", "timed-out")).isEqualTo(1);
		Counter cutRequests = registry.find("graceful.shutdown.cut").tag("kind", "requests").counter();
		assertThat(cutRequests).isNotNull();
		assertThat(cutRequests.count()).isEqualTo(1.0);
		assertThat(this.summaryLog.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel().toString()).isEqualTo("WARN");
			assertThat(event.getFormattedMessage()).startsWith("Graceful shutdown completed in ")
				.contains("web-drain 1")
				.contains(" timed-out (")
				.containsPattern("; cut 1 requests: GET /slow \\([0-9.]+m?s\\); timed out: web-drain$");
		});
	}

	private void start(String... properties) {
		this.summaryLog.start();
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.register-shutdown-hook=false", "graceful.withdraw.delay=2500ms",
				"management.endpoints.web.exposure.include=graceful,health,prometheus",
				"management.endpoint.health.probes.enabled=true",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
						+ "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration"));
		all.addAll(List.of(properties));
		this.context = new SpringApplicationBuilder(App.class).properties(all.toArray(String[]::new)).run();
		// the logging system is initialized by the run: attach afterwards
		((Logger) LoggerFactory.getLogger(ShutdownSummary.LOGGER_NAME)).addAppender(this.summaryLog);
	}

	private CompletableFuture<Void> closeInBackground() {
		ConfigurableApplicationContext context = this.context;
		CompletableFuture<Void> closed = new CompletableFuture<>();
		Thread closer = new Thread(() -> {
			context.close();
			closed.complete(null);
		}, "test-closer");
		closer.start();
		return closed;
	}

	private static long timerCount(MeterRegistry registry, String step, String outcome) {
		Timer timer = registry.find("graceful.shutdown.step").tag("step", step).tag("outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private HttpRequest request(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.poller.send(request(path), HttpResponse.BodyHandlers.ofString());
	}

	private static DocumentContext json(HttpResponse<String> response) {
		return JsonPath.parse(response.body());
	}

	static class Gate {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on
	// the test class path
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
	static class App {

		@Bean
		Gate gate() {
			return new Gate();
		}

		@Bean
		SlowController slowController(Gate gate) {
			return new SlowController(gate);
		}

	}

	@RestController
	static class SlowController {

		private final Gate gate;

		SlowController(Gate gate) {
			this.gate = gate;
		}

		@GetMapping("/slow")
		String slow() throws InterruptedException {
			this.gate.entered.countDown();
			this.gate.release.await(20, TimeUnit.SECONDS);
			return "done";
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
