package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.core.InFlightRequests;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reactor Netty with its blocking handlers' worker pool (two threads) or its only event
 * loop saturated. Reactor Netty reads a request on its event loop and the request filter
 * sees it there, before the request waits for a worker: nothing waits unseen, so there is
 * no queued-request count for Netty and nothing to drop. A handler that blocks the event
 * loop leaves a later request unread; Reactor Netty reads and serves it once the loop is
 * free, before it runs the close of the drain.
 */
class NettySaturationShutdownTests extends AbstractWebServerShutdownTests {

	private final List<RawHttpConnection> held = new ArrayList<>();

	private WorkerGate gate;

	@Override
	protected Class<?> application() {
		return ScenarioWebFluxApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.main.web-application-type", "reactive", "spring.autoconfigure.exclude",
				"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration");
	}

	@Test
	void requestQueuedForABlockingWorkerDuringTheWithdrawIsInFlightNotClosedAsIdleAndServed(CapturedOutput output)
			throws Exception {
		startWith("graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=10s");
		RawHttpConnection keptAlive = keptAliveConnection();
		hold(2, "/held");
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/held", "*/*");
		InFlightRequests inFlight = this.context.getBean(InFlightRequests.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.count() == 3);
		assertThat(this.context.getBeansOfType(QueuedRequests.class).values()).as("nothing waits unseen by the filter")
			.allSatisfy((queued) -> assertThat(queued.count()).isZero());
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.moments.drainStartedNanos != 0);
		this.gate.open();
		RawHttpConnection.Response response = keptAlive.readResponse();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("held");
		assertHeldRequestsServed();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).contains("0 idle connections closed").contains("Web drain started: 3 requests in flight");
	}

	@Test
	void requestQueuedForABlockingWorkerAtTheDrainBoundIsNamedAsCut(CapturedOutput output) throws Exception {
		startWith("graceful.withdraw.delay=500ms", "graceful.web-drain.timeout=1s");
		RawHttpConnection keptAlive = keptAliveConnection();
		hold(2, "/held");
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/held", "*/*");
		InFlightRequests inFlight = this.context.getBean(InFlightRequests.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.count() == 3);
		try {
			closing.get(15, TimeUnit.SECONDS);
		}
		finally {
			this.gate.open();
		}
		assertThat(output)
			.containsPattern("Web drain hit its 1s bound; cut 3 requests: GET /held \\([0-9.]+m?s\\), "
					+ "GET /held \\([0-9.]+m?s\\), GET /held \\([0-9.]+m?s\\)")
			.doesNotContain("nothing was cut");
	}

	@Test
	void requestLeftUnreadByABlockedEventLoopIsServedWhenTheLoopIsFreedDuringTheDrain(CapturedOutput output)
			throws Exception {
		startWith("scenario.event-loops=1", "graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=10s");
		RawHttpConnection keptAlive = keptAliveConnection();
		hold(1, "/held-event-loop");
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		keptAlive.send("/hello", "*/*");
		assertThat(this.moments.withdrawEnded.await(15, TimeUnit.SECONDS)).isTrue();
		InFlightRequests inFlight = this.context.getBean(InFlightRequests.class);
		assertThat(inFlight.count()).as("the request on the blocked loop is unread").isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.moments.drainStartedNanos != 0);
		this.gate.open();
		RawHttpConnection.Response response = keptAlive.readResponse();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello");
		assertHeldRequestsServed();
		closing.get(15, TimeUnit.SECONDS);
	}

	private void startWith(String... properties) {
		start(properties);
		this.gate = this.context.getBean(WorkerGate.class);
	}

	private RawHttpConnection keptAliveConnection() throws IOException {
		RawHttpConnection connection = RawHttpConnection.open(port());
		assertThat(connection.get("/hello").status()).isEqualTo(200);
		return connection;
	}

	private void hold(int requests, String path) throws Exception {
		for (int i = 0; i < requests; i++) {
			RawHttpConnection connection = RawHttpConnection.open(port());
			connection.send(path, "*/*");
			this.held.add(connection);
		}
		this.gate.awaitHeld(requests, Duration.ofSeconds(10));
	}

	private void assertHeldRequestsServed() throws IOException {
		for (RawHttpConnection connection : this.held) {
			assertThat(connection.readResponse().status()).isEqualTo(200);
		}
	}

}
