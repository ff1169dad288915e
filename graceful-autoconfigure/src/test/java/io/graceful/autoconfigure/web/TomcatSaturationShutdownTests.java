package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.ShutdownReport;
import io.graceful.autoconfigure.core.ShutdownState;
import io.graceful.autoconfigure.core.StepResult;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Tomcat with its worker pool saturated: both worker threads held by latched requests,
 * one more request waiting in Tomcat's queue on a kept-alive connection. A paused Tomcat
 * closes such a connection without a response when a worker finally picks it up; the web
 * drain hands queued requests to the application before Spring Boot's drain pauses the
 * server, and names them as cut when it cannot.
 */
class TomcatSaturationShutdownTests extends AbstractWebServerShutdownTests {

	private static final String[] TWO_WORKERS = { "server.tomcat.threads.max=2", "server.tomcat.threads.min-spare=1" };

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
	void requestQueuedForAWorkerDuringTheWithdrawIsServedAndItsConnectionIsNotClosedAsIdle(CapturedOutput output)
			throws Exception {
		start(with(TWO_WORKERS, "graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=10s"));
		WorkerGate gate = this.context.getBean(WorkerGate.class);
		RawHttpConnection keptAlive = RawHttpConnection.open(port());
		assertThat(keptAlive.get("/hello").connectionClose()).isFalse();
		CompletableFuture<HttpResponseStatus> first = holdWorker();
		CompletableFuture<HttpResponseStatus> second = holdWorker();
		gate.awaitHeld(2, Duration.ofSeconds(10));
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/hello", "*/*");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.toString()
				.contains("Web drain started: 2 requests in flight, 1 queued for a worker thread"));
		assertThat(output).contains("0 idle connections closed");
		gate.open();
		RawHttpConnection.Response queued = keptAlive.readResponse();
		assertThat(queued.status()).isEqualTo(200);
		assertThat(queued.body()).isEqualTo("hello");
		assertThat(queued.connectionClose()).isTrue();
		assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		closing.get(20, TimeUnit.SECONDS);
		assertThat(output).containsPattern("Web drain finished in [0-9.]+m?s: 3 requests were in flight, 0 cut")
			.contains("nothing was cut");
		keptAlive.close();
	}

	@Test
	void requestQueuedBeforeCloseIsServed(CapturedOutput output) throws Exception {
		start(with(TWO_WORKERS, "graceful.withdraw.delay=0", "graceful.web-drain.timeout=10s"));
		assertQueuedBeforeClose(true);
		assertThat(output).containsPattern("Web drain finished in [0-9.]+m?s: 3 requests were in flight, 0 cut");
	}

	@Test
	void withoutTheStarterARequestQueuedBeforeCloseGetsNoResponse() throws Exception {
		start(with(TWO_WORKERS, "graceful.enabled=false"));
		assertQueuedBeforeClose(false);
	}

	@Test
	void queuedRequestTheDrainBoundCannotReachIsNamedAsCut(CapturedOutput output) throws Exception {
		start(with(TWO_WORKERS, "graceful.withdraw.delay=0", "graceful.web-drain.timeout=1s"));
		WorkerGate gate = this.context.getBean(WorkerGate.class);
		holdWorker();
		holdWorker();
		gate.awaitHeld(2, Duration.ofSeconds(10));
		RawHttpConnection queued = RawHttpConnection.open(port());
		queued.send("/hello", "*/*");
		awaitQueued(1);
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		Duration closed = closeInBackground().get(20, TimeUnit.SECONDS);
		gate.open();
		assertThatIOException().isThrownBy(queued::readResponse);
		queued.close();
		assertThat(closed).isLessThan(Duration.ofSeconds(4));
		StepResult drain = report.getResults()
			.stream()
			.filter((result) -> result.step().equals("web-drain"))
			.findFirst()
			.orElseThrow();
		assertThat(drain.cut()).containsEntry("requests", 3L);
		assertThat(drain.cutNames()).contains("1 queued, not yet read");
		assertThat(output)
			.containsPattern("Web drain hit its 1s bound; cut 3 requests: GET /held \\([0-9.]+m?s\\), "
					+ "GET /held \\([0-9.]+m?s\\), 1 queued, not yet read")
			.doesNotContain("nothing was cut");
	}

	/**
	 * Both workers held, one more request sent on a new connection before close (it waits
	 * in Tomcat's queue), close, then the workers released once the drain is under way.
	 */
	private void assertQueuedBeforeClose(boolean served) throws Exception {
		WorkerGate gate = this.context.getBean(WorkerGate.class);
		CompletableFuture<HttpResponseStatus> first = holdWorker();
		CompletableFuture<HttpResponseStatus> second = holdWorker();
		gate.awaitHeld(2, Duration.ofSeconds(10));
		RawHttpConnection queued = RawHttpConnection.open(port());
		queued.send("/hello", "*/*");
		if (served) {
			awaitQueued(1);
		}
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		if (served) {
			awaitDraining();
		}
		else {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.moments.drainStartedNanos != 0);
		}
		gate.open();
		if (served) {
			RawHttpConnection.Response response = queued.readResponse();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
		}
		else {
			assertThatIOException().as("plain Spring Boot closes the queued connection without a response")
				.isThrownBy(queued::readResponse)
				.withMessage("Connection closed before a response");
		}
		queued.close();
		assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
		closing.get(20, TimeUnit.SECONDS);
	}

	private CompletableFuture<HttpResponseStatus> holdWorker() {
		return getAsync("/held").thenApply((response) -> new HttpResponseStatus(response.statusCode()));
	}

	private void awaitQueued(int requests) {
		QueuedRequests queued = this.context.getBean("tomcatConnections", QueuedRequests.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> queued.count() == requests);
	}

	private void awaitDraining() {
		ShutdownReport report = this.context.getBean(ShutdownReport.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> report.getState() == ShutdownState.DRAINING);
	}

	private static String[] with(String[] base, String... more) {
		String[] all = new String[base.length + more.length];
		System.arraycopy(base, 0, all, 0, base.length);
		System.arraycopy(more, 0, all, base.length, more.length);
		return all;
	}

	private record HttpResponseStatus(int status) {
	}

}
