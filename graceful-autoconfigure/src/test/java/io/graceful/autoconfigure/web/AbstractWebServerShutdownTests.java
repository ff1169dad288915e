package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.core.InFlightRequests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shutdown scenarios every supported web server must pass: a real application on a
 * random port of 127.0.0.1, real HTTP clients over sockets, the context closed from
 * another thread while the test watches. Subclasses pick the server.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractWebServerShutdownTests {

	/**
	 * A request sent in the last moments of the delay races the drain's closing of the
	 * listening socket (a connection still in the accept backlog is reset): that race is
	 * what the delay exists to keep load balancers out of, so probes sent that close to
	 * its end are not held to "nothing refused".
	 */
	private static final Duration BOUNDARY = Duration.ofMillis(300);

	private static final String COMMON_EXCLUDES = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	/** How late, after close started, readiness may turn REFUSING_TRAFFIC. */
	private static final Duration READINESS_FLIP = Duration.ofMillis(100);

	protected final ShutdownMoments moments = new ShutdownMoments();

	protected final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	protected ConfigurableApplicationContext context;

	/** When the closing thread called {@code close()}, the start of the shutdown. */
	protected volatile long closeCalledNanos;

	/**
	 * @return the application class: Spring MVC or WebFlux
	 */
	protected abstract Class<?> application();

	/**
	 * @return properties that select the server, for example the auto-configurations of
	 * the other servers to exclude
	 */
	protected abstract Map<String, String> serverProperties();

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void readinessRefusesAtOnceWhileLivenessAndRequestsAreServedAndKeepAliveConnectionsGetConnectionClose(
			CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=2s", "graceful.web-drain.timeout=2s");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		List<RawHttpConnection> keepAlive = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			RawHttpConnection connection = RawHttpConnection.open(port());
			RawHttpConnection.Response first = connection.get("/hello");
			assertThat(first.status()).isEqualTo(200);
			assertThat(first.connectionClose()).isFalse();
			keepAlive.add(connection);
		}
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.moments.refusingTraffic.await(10, TimeUnit.SECONDS)).isTrue();
		Duration flip = Duration.ofNanos(this.moments.refusingTrafficNanos - this.closeCalledNanos);
		assertThat(flip).as("readiness flip after close started").isLessThan(READINESS_FLIP);
		long asked = System.nanoTime();
		HttpResponse<String> firstAsked = get("/actuator/health/readiness");
		long answered = System.nanoTime();
		System.out.println("Test measured: readiness REFUSING_TRAFFIC " + flip.toNanos() / 1000
				+ "us after close started; " + "the first probe sent after it answered " + firstAsked.statusCode() + " "
				+ Duration.ofNanos(answered - this.closeCalledNanos).toMillis() + "ms after close started (round trip "
				+ Duration.ofNanos(answered - asked).toMillis() + "ms)");
		assertThat(firstAsked.statusCode()).as("the first readiness probe sent after the flip").isEqualTo(503);
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).contains("OUT_OF_SERVICE");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		HttpResponse<String> hello = get("/hello");
		assertThat(hello.statusCode()).isEqualTo(200);
		assertThat(hello.body()).isEqualTo("hello");
		for (RawHttpConnection connection : keepAlive) {
			RawHttpConnection.Response response = connection.get("/hello");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
			assertThat(response.connectionClose()).as("Connection: close during withdraw").isTrue();
			connection.awaitEndOfStream(Duration.ofSeconds(2));
			connection.close();
		}
		assertThat(this.moments.withdrawEndedNanos).as("all of this happened during the delay").isZero();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output)
			.containsPattern("Withdraw finished in [0-9.]+m?s: [1-9][0-9]* requests served during withdraw");
	}

	@Test
	void requestInFlightWhenCloseStartsCompletes(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=500ms", "graceful.web-drain.timeout=5s");
		CompletableFuture<HttpResponse<String>> slow = getAsync("/slow?ms=2000");
		awaitInFlight("/slow");
		CompletableFuture<Duration> closing = closeInBackground();
		HttpResponse<String> response = slow.get(10, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("slow");
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).contains("Web drain started: 1 requests in flight")
			.containsPattern("Web drain finished in [0-9.]+m?s: 1 requests were in flight, 0 cut");
	}

	@Test
	void keepAliveConnectionIdleThroughTheDelayIsClosedBeforeTheDrainAndNothingIsRefused(CapturedOutput output)
			throws Exception {
		Duration delay = Duration.ofMillis(1500);
		start("graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=2s");
		RawHttpConnection idle = RawHttpConnection.open(port());
		assertThat(idle.get("/hello").status()).isEqualTo(200);
		Prober prober = new Prober("/hello");
		CountDownLatch drainMayStart = this.moments.holdAfterWithdraw();
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		prober.start();
		long endOfStream = idle.awaitEndOfStream(Duration.ofSeconds(10));
		drainMayStart.countDown();
		idle.close();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		prober.stop();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(endOfStream - this.moments.closeStartedNanos).as("open through the delay")
			.isGreaterThanOrEqualTo(delay.toNanos());
		assertThat(endOfStream).as("closed before the drain started").isLessThan(this.moments.drainStartedNanos);
		List<Probe> duringDelay = prober.sentBefore(this.moments.withdrawEndedNanos - BOUNDARY.toNanos());
		assertThat(duringDelay).hasSizeGreaterThanOrEqualTo(5)
			.allSatisfy((probe) -> assertThat(probe.status).isEqualTo(200));
		assertThat(output).containsPattern("requests served during withdraw, [1-9][0-9]* idle connections closed");
	}

	@Test
	void keepAliveConnectionOverTlsIdleThroughTheDelayIsClosedBeforeTheDrain(CapturedOutput output,
			@TempDir Path directory) throws Exception {
		Duration delay = Duration.ofMillis(1500);
		TestCertificate certificate = TestCertificate.generate(directory);
		List<String> properties = new ArrayList<>(certificate.serverProperties());
		properties.addAll(List.of("graceful.withdraw.delay=1500ms", "graceful.web-drain.timeout=2s"));
		start(properties.toArray(String[]::new));
		RawHttpConnection idle = RawHttpConnection.openTls(port(), certificate.clientContext());
		RawHttpConnection.Response response = idle.get("/hello");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.connectionClose()).isFalse();
		CountDownLatch drainMayStart = this.moments.holdAfterWithdraw();
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		long endOfStream;
		try {
			endOfStream = idle.awaitEndOfStream(Duration.ofSeconds(10));
		}
		finally {
			drainMayStart.countDown();
			idle.close();
		}
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		closing.get(15, TimeUnit.SECONDS);
		long delayEnded = this.moments.closeStartedNanos + delay.toNanos();
		System.out.println("Test measured: idle TLS connection closed "
				+ Duration.ofNanos(endOfStream - delayEnded).toMillis() + "ms after the delay ended, "
				+ Duration.ofNanos(this.moments.drainStartedNanos - endOfStream).toMillis()
				+ "ms before the drain started");
		assertThat(endOfStream).as("open through the delay").isGreaterThanOrEqualTo(delayEnded);
		assertThat(endOfStream).as("closed before the drain started").isLessThan(this.moments.drainStartedNanos);
		assertThat(Duration.ofNanos(endOfStream - this.moments.withdrawEndedNanos))
			.as("closed at the end of the withdraw, not later")
			.isLessThan(Duration.ofSeconds(2));
		assertThat(output).containsPattern("requests served during withdraw, 1 idle connections closed");
	}

	@Test
	void withoutIdleClosingTheIdleConnectionOutlivesTheWithdraw(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=1s", "graceful.withdraw.close-idle-connections=false",
				"graceful.web-drain.timeout=2s");
		RawHttpConnection idle = RawHttpConnection.open(port());
		assertThat(idle.get("/hello").status()).isEqualTo(200);
		CompletableFuture<Duration> closing = closeInBackground();
		long endOfStream = idle.awaitEndOfStream(Duration.ofSeconds(15));
		idle.close();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(endOfStream).as("closed by the server's own shutdown, after the withdraw")
			.isGreaterThan(this.moments.withdrawEndedNanos);
		assertThat(output).contains("0 idle connections closed");
	}

	@Test
	void requestLongerThanTheDrainTimeoutIsNamedAndCloseEndsWithinTheBound(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=0", "graceful.web-drain.timeout=1s");
		getAsync("/slow?ms=20000");
		awaitInFlight("/slow");
		Duration closed = closeInBackground().get(15, TimeUnit.SECONDS);
		assertThat(closed).isLessThan(Duration.ofSeconds(2));
		assertThat(output).containsPattern("Web drain hit its 1s bound; cut 1 requests: GET /slow \\([0-9.]+m?s\\)");
	}

	/**
	 * For servers that run a request on a thread: a straggler that ignores interrupts
	 * holds the stop only for the capped waits of the server (not its defaults of several
	 * seconds).
	 */
	protected void assertStragglerIgnoringInterruptsCostsAtMost(Duration beyondDrain, CapturedOutput output)
			throws Exception {
		start("graceful.withdraw.delay=0", "graceful.web-drain.timeout=1s");
		getAsync("/stubborn?ms=10000");
		awaitInFlight("/stubborn");
		Duration closed = closeInBackground().get(30, TimeUnit.SECONDS);
		assertThat(closed).isLessThan(Duration.ofSeconds(1).plus(beyondDrain));
		assertThat(output).contains("cut 1 requests: GET /stubborn (");
	}

	@Test
	void streamOpenAtDrainStartIsCompletedAndDoesNotHoldTheDrain(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=0", "graceful.web-drain.timeout=5s");
		try (RawHttpConnection stream = RawHttpConnection.open(port())) {
			stream.send("/sse", "text/event-stream");
			stream.readStreamHeadUntil("hello");
			CompletableFuture<Duration> closing = closeInBackground();
			stream.readStreamToEnd();
			assertThat(closing.get(15, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(2500));
		}
		assertThat(output).contains("1 open streams completed")
			.containsPattern("Web drain finished in [0-9.]+m?s: [0-9]+ requests were in flight, 0 cut");
	}

	@Test
	void quietPeriodEndsTheDelayEarlyWhenTrafficStops(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=3s", "graceful.withdraw.quiet-period=300ms", "graceful.web-drain.timeout=1s");
		closeInBackground();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		Duration withdraw = Duration.ofNanos(this.moments.withdrawEndedNanos - this.moments.closeStartedNanos);
		assertThat(withdraw).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(1500));
		assertThat(output).contains("(quiet period reached)");
	}

	@Test
	void quietPeriodDoesNotEndTheDelayWhileTrafficContinues(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=2500ms", "graceful.withdraw.quiet-period=1s", "graceful.web-drain.timeout=1s");
		Prober prober = new Prober("/hello");
		prober.start();
		closeInBackground();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		prober.stop();
		Duration withdraw = Duration.ofNanos(this.moments.withdrawEndedNanos - this.moments.closeStartedNanos);
		assertThat(withdraw).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
		assertThat(prober.sentBefore(this.moments.withdrawEndedNanos - BOUNDARY.toNanos()))
			.allSatisfy((probe) -> assertThat(probe.status).isEqualTo(200));
		assertThat(output).contains("Withdraw finished in").doesNotContain("(quiet period reached)");
	}

	@Test
	void aConnectionAcceptedDuringWithdrawHoldsTheQuietPeriodUntilItsRequestIsServed(CapturedOutput output)
			throws Exception {
		start("graceful.withdraw.delay=6s", "graceful.withdraw.quiet-period=1s", "graceful.web-drain.timeout=1s");
		CompletableFuture<Duration> closed = closeInBackground();
		awaitWithdrawing();
		try (RawHttpConnection connection = RawHttpConnection.open(port())) {
			// accepted, no request yet: the balancer is still routing here
			assertThat(this.moments.withdrawEnded.await(2500, TimeUnit.MILLISECONDS)).isFalse();
			long sent = System.nanoTime();
			RawHttpConnection.Response response = connection.get("/hello");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.headers()).containsEntry("connection", "close");
			assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
			Duration afterRequest = Duration.ofNanos(this.moments.withdrawEndedNanos - sent);
			assertThat(afterRequest).isGreaterThanOrEqualTo(Duration.ofSeconds(1))
				.isLessThan(Duration.ofSeconds(1).plus(BOUNDARY).plus(BOUNDARY));
		}
		assertThat(closed).succeedsWithin(Duration.ofSeconds(30));
		assertThat(output).contains("(quiet period reached)");
	}

	@Test
	void aResponseThatBeganBeforeTheWithdrawAndIsWrittenDuringItClosesItsConnection() throws Exception {
		start("graceful.withdraw.delay=3s", "graceful.web-drain.timeout=1s");
		WorkerGate gate = this.context.getBean(WorkerGate.class);
		CompletableFuture<Duration> closed;
		try (RawHttpConnection connection = RawHttpConnection.open(port())) {
			connection.send("/held", "*/*");
			gate.awaitHeld(1, Duration.ofSeconds(10));
			closed = closeInBackground();
			awaitWithdrawing();
			gate.open();
			RawHttpConnection.Response response = connection.readResponse();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.headers()).containsEntry("connection", "close");
		}
		assertThat(closed).succeedsWithin(Duration.ofSeconds(30));
	}

	/**
	 * A pooled client that takes its kept-alive connections in turn, one round taking
	 * longer than a second: each connection's next request, answered with
	 * {@code Connection: close}, moves it. Closing one while idle instead races a client
	 * that picks it at that moment, which the lab's JDK clients did (FIFO pools, POST not
	 * retried): a fixed 1 s move period closed the last two here before their requests.
	 */
	@Test
	void inAHandOverTheMovePeriodLastsUntilEveryKeptAliveConnectionHasMoved(CapturedOutput output) throws Exception {
		int port;
		try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
			port = free.getLocalPort();
		}
		start("server.port=" + port, "graceful.handover.enabled=true", "graceful.web-drain.timeout=2s");
		// with hand-over on, Tomcat binds the port only as the application turns ready;
		// it must be bound before anything can learn that it is ready
		assertThat(io.graceful.testsupport.Ports.accepts(port)).as("the port accepts once the application is ready")
			.isTrue();
		List<RawHttpConnection> pool = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			RawHttpConnection connection = RawHttpConnection.open(port);
			assertThat(connection.get("/hello").status()).isEqualTo(200);
			pool.add(connection);
		}
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(this.moments.refusingTraffic.await(10, TimeUnit.SECONDS)).isTrue();
		long lastMoved = 0;
		for (int i = 0; i < pool.size(); i++) {
			long sendAt = this.moments.refusingTrafficNanos + Duration.ofMillis(400 + 1000L * i).toNanos();
			await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - sendAt >= 0);
			long sent = System.nanoTime();
			RawHttpConnection.Response response = pool.get(i).get("/hello");
			assertThat(response.status()).isEqualTo(200);
			long withdrawEnded = this.moments.withdrawEndedNanos;
			assertThat(withdrawEnded == 0 || withdrawEnded - sent > 0).as("sent in the move period").isTrue();
			assertThat(response.connectionClose()).as("Connection: close moves connection %d", i).isTrue();
			pool.get(i).awaitEndOfStream(Duration.ofSeconds(2));
			lastMoved = System.nanoTime();
			pool.get(i).close();
		}
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		closing.get(15, TimeUnit.SECONDS);
		Duration afterLastMoved = Duration.ofNanos(this.moments.withdrawEndedNanos - lastMoved);
		System.out.println("Test measured: the move period ended " + afterLastMoved.toMillis()
				+ "ms after the last kept-alive connection moved");
		assertThat(afterLastMoved).as("ends once the last connection moved, not at its 5 s bound")
			.isLessThan(Duration.ofSeconds(1));
		assertThat(output).contains("(every kept-alive connection moved)")
			.containsPattern("requests served during withdraw, 0 idle connections closed");
	}

	@Test
	void readinessProbesOnNewConnectionsDoNotHoldTheQuietPeriod(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=4s", "graceful.withdraw.quiet-period=300ms", "graceful.web-drain.timeout=1s");
		Prober prober = new Prober("/actuator/health/readiness");
		prober.start();
		CompletableFuture<Duration> closed = closeInBackground();
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		prober.stop();
		assertThat(closed).succeedsWithin(Duration.ofSeconds(30));
		Duration withdraw = Duration.ofNanos(this.moments.withdrawEndedNanos - this.moments.closeStartedNanos);
		assertThat(withdraw).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(1500));
		assertThat(prober.sentBefore(this.moments.withdrawEndedNanos))
			.filteredOn((probe) -> probe.sentNanos - this.moments.refusingTrafficNanos > 0)
			.isNotEmpty()
			.allSatisfy((probe) -> assertThat(probe.status).isEqualTo(503));
		assertThat(output).contains("(quiet period reached)");
	}

	/**
	 * Wait until the withdraw has begun: responses carry {@code Connection: close} from
	 * then on. Spring Boot's web server context turns readiness to REFUSING_TRAFFIC
	 * itself before the close event that starts the withdraw, so readiness alone does not
	 * say the withdraw has begun.
	 */
	protected void awaitWithdrawing() {
		InFlightRequests inFlightRequests = this.context.getBean(InFlightRequests.class);
		await().atMost(Duration.ofSeconds(10)).until(inFlightRequests::isClosingConnections);
	}

	protected ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off", "management.endpoint.health.probes.enabled=true",
				"management.endpoints.web.exposure.include=health"));
		StringBuilder excludes = new StringBuilder(COMMON_EXCLUDES);
		serverProperties().forEach((key, value) -> {
			if ("spring.autoconfigure.exclude".equals(key)) {
				excludes.append(',').append(value);
			}
			else {
				all.add(key + "=" + value);
			}
		});
		all.add("spring.autoconfigure.exclude=" + excludes);
		all.addAll(List.of(properties));
		this.context = new SpringApplicationBuilder(application()).listeners(this.moments).initializers((context) -> {
			context.getBeanFactory().registerSingleton("withdrawEndMarker", this.moments.withdrawEndMarker());
			context.getBeanFactory().registerSingleton("drainStartMarker", this.moments.drainStartMarker());
		}).properties(all.toArray(String[]::new)).run();
		return this.context;
	}

	protected int port() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	protected CompletableFuture<Duration> closeInBackground() {
		CompletableFuture<Duration> closed = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			long start = System.nanoTime();
			this.closeCalledNanos = start;
			try {
				this.context.close();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				System.out.println("Test measured: context.close() took " + took.toMillis() + "ms");
				closed.complete(took);
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "test-close");
		thread.start();
		return closed;
	}

	protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return get(port(), path);
	}

	protected HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return this.client.send(request(port, path), BodyHandlers.ofString());
	}

	protected CompletableFuture<HttpResponse<String>> getAsync(String path) {
		return this.client.sendAsync(request(port(), path), BodyHandlers.ofString());
	}

	private HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	/**
	 * Poll readiness until it answers the status.
	 * @return the {@link System#nanoTime()} when that answer arrived
	 */
	protected long awaitReadiness(int port, int status) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			HttpResponse<String> response = get(port, "/actuator/health/readiness");
			long now = System.nanoTime();
			if (response.statusCode() == status) {
				return now;
			}
		}
		throw new AssertionError("Readiness never answered " + status);
	}

	protected void awaitInFlight(String path) {
		InFlightRequests inFlight = this.context.getBean(InFlightRequests.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> inFlight.snapshot().stream().anyMatch((request) -> request.path().equals(path)));
	}

	/**
	 * A client that sends a request every 100 ms, each on a new connection, and records
	 * what it got.
	 */
	protected final class Prober {

		private final String path;

		private final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private Thread thread;

		Prober(String path) {
			this.path = path;
		}

		void start() {
			int port = port();
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					long sent = System.nanoTime();
					int status;
					String failure = null;
					try (RawHttpConnection connection = RawHttpConnection.open(port)) {
						status = connection.get(this.path).status();
					}
					catch (IOException ex) {
						status = -1;
						failure = ex.toString();
					}
					this.probes.add(new Probe(sent, status, failure));
					try {
						Thread.sleep(100);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "test-prober");
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(5000);
		}

		List<Probe> sentBefore(long nanos) {
			return this.probes.stream().filter((probe) -> probe.sentNanos - nanos < 0).toList();
		}

	}

	protected record Probe(long sentNanos, int status, String failure) {
	}

}
