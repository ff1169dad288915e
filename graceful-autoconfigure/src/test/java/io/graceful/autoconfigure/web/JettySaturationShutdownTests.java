package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Jetty with its worker threads saturated: four pool threads, one acceptor and one
 * selector, no reserved thread, so two held requests take every worker and a request on a
 * kept-alive connection then waits unread, its read task in the pool's queue.
 */
class JettySaturationShutdownTests extends AbstractWebServerShutdownTests {

	private static final String[] SATURABLE = { "server.jetty.threads.max=4", "server.jetty.threads.min=4",
			"server.jetty.threads.acceptors=1", "server.jetty.threads.selectors=1",
			"scenario.jetty.no-reserved-threads=true" };

	private final List<RawHttpConnection> held = new ArrayList<>();

	private WorkerGate gate;

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration,"
						+ "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatServletManagementContextAutoConfiguration");
	}

	@Test
	void requestQueuedForAWorkerDuringTheWithdrawIsServedBeforeTheServerIsPaused(CapturedOutput output)
			throws Exception {
		startSaturable("graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=10s");
		RawHttpConnection keptAlive = keptAliveConnection();
		holdAllWorkers();
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/hello", "*/*");
		QueuedRequests queued = this.context.getBean("jettyQueuedRequests", QueuedRequests.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> queued.count() == 1);
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(queued.count()).as("still queued when the withdraw ended").isEqualTo(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> output.toString().contains("1 queued for a worker thread"));
		this.gate.open();
		RawHttpConnection.Response response = keptAlive.readResponse();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello");
		assertThat(response.connectionClose()).isTrue();
		assertHeldRequestsServed();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).contains("0 idle connections closed")
			.containsPattern("Web drain finished in [0-9.]+m?s: [0-9]+ requests were in flight, 0 cut")
			.contains("nothing was cut");
	}

	@Test
	void requestStillQueuedAtTheDrainBoundIsCountedAsCut(CapturedOutput output) throws Exception {
		startSaturable("graceful.withdraw.delay=500ms", "graceful.web-drain.timeout=1s");
		RawHttpConnection keptAlive = keptAliveConnection();
		holdAllWorkers();
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/hello", "*/*");
		QueuedRequests queued = this.context.getBean("jettyQueuedRequests", QueuedRequests.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> queued.count() == 1);
		try {
			closing.get(15, TimeUnit.SECONDS);
		}
		finally {
			this.gate.open();
		}
		// the queued request is cut either still queued or, when Jetty's acceptor thread
		// is
		// freed by the connector's close at the bound and picks it up, just begun: named
		// either way
		assertThat(output)
			.containsPattern("Web drain hit its 1s bound; cut [34] requests: GET /held \\([0-9.]+m?s\\), "
					+ "GET /held \\([0-9.]+m?s\\), .*(1 queued, not yet read|GET /hello \\([0-9.]+m?s\\))")
			.containsPattern("Graceful shutdown completed in .*web-drain [0-9.]+m?s timed-out .*; cut [34] requests")
			.doesNotContain("nothing was cut");
	}

	@Test
	void connectionWhoseRequestWaitsForAWorkerIsNotClosedAsIdleAtTheEndOfTheWithdraw(CapturedOutput output)
			throws Exception {
		startSaturable("graceful.withdraw.delay=1s", "graceful.web-drain.timeout=10s");
		RawHttpConnection idle = keptAliveConnection();
		RawHttpConnection keptAlive = keptAliveConnection();
		holdAllWorkers();
		CountDownLatch drainMayStart = this.moments.holdAfterWithdraw();
		CompletableFuture<Duration> closing = closeInBackground();
		try {
			assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
			keptAlive.send("/hello", "*/*");
			QueuedRequests queued = this.context.getBean("jettyQueuedRequests", QueuedRequests.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> queued.count() == 1);
			idle.awaitEndOfStream(Duration.ofSeconds(10));
			assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(queued.count()).as("the queued request's connection is open, its request unread").isEqualTo(1);
			assertThat(output).contains("1 idle connections closed");
		}
		finally {
			drainMayStart.countDown();
			this.gate.open();
		}
		assertThat(keptAlive.readResponse().status()).isEqualTo(200);
		closing.get(15, TimeUnit.SECONDS);
	}

	/**
	 * Shutting the connector down ends its acceptor thread, which then runs the first
	 * queued task: a held request takes it here, so the kept-alive request queued behind
	 * it stays queued until Jetty's shutdown idle timeout (1s) closes its connection.
	 */
	@Test
	void withoutTheStarterJettyClosesAQueuedRequestsConnectionWithoutAResponseWhenTheDrainBegins() throws Exception {
		startSaturable("graceful.enabled=false");
		assertThat(this.context.getBeanProvider(QueuedRequests.class).getIfAvailable()).isNull();
		RawHttpConnection keptAlive = keptAliveConnection();
		RawHttpConnection heldNext = keptAliveConnection();
		holdAllWorkers();
		heldNext.send("/held", "*/*");
		this.held.add(heldNext);
		await().atMost(Duration.ofSeconds(5)).until(() -> threadPool().getQueueSize() == 1);
		keptAlive.send("/hello", "*/*");
		await().atMost(Duration.ofSeconds(5)).until(() -> threadPool().getQueueSize() == 2);
		CompletableFuture<Duration> closing = closeInBackground();
		try {
			assertThatIOException().isThrownBy(keptAlive::readResponse)
				.withMessage("Connection closed before a response");
		}
		finally {
			this.gate.open();
		}
		assertHeldRequestsServed();
		closing.get(15, TimeUnit.SECONDS);
	}

	private QueuedThreadPool threadPool() {
		return (QueuedThreadPool) ((JettyWebServer) ((WebServerApplicationContext) this.context).getWebServer())
			.getServer()
			.getThreadPool();
	}

	private void startSaturable(String... properties) {
		List<String> all = new ArrayList<>(List.of(SATURABLE));
		all.addAll(List.of(properties));
		start(all.toArray(String[]::new));
		this.gate = this.context.getBean(WorkerGate.class);
	}

	private RawHttpConnection keptAliveConnection() throws IOException {
		RawHttpConnection connection = RawHttpConnection.open(port());
		assertThat(connection.get("/hello").status()).isEqualTo(200);
		return connection;
	}

	private void holdAllWorkers() throws Exception {
		for (int i = 0; i < 2; i++) {
			RawHttpConnection connection = RawHttpConnection.open(port());
			connection.send("/held", "*/*");
			this.held.add(connection);
		}
		this.gate.awaitHeld(2, Duration.ofSeconds(10));
	}

	private void assertHeldRequestsServed() throws IOException {
		for (RawHttpConnection connection : this.held) {
			assertThat(connection.readResponse().status()).isEqualTo(200);
		}
	}

}
