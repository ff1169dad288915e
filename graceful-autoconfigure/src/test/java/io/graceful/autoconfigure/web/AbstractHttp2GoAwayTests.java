package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.core.InFlightRequests;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 during withdraw, on every supported server with h2c (HTTP/2 without TLS) and h2
 * (TLS with ALPN): the connections get a graceful GOAWAY when withdraw starts, clients
 * open their next stream on a new connection, streams in progress finish, and connections
 * opened during the delay get GOAWAY before the drain. Subclasses pick the server.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractHttp2GoAwayTests {

	private static final String COMMON_EXCLUDES = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	/** How long a client may take to act on a frame on a loaded machine. */
	private static final Duration CLIENT_REACTION = Duration.ofSeconds(5);

	protected final ShutdownMoments moments = new ShutdownMoments();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_2)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private ConfigurableApplicationContext context;

	private TcpProxy proxy;

	/**
	 * @return the application class: Spring MVC or WebFlux
	 */
	protected abstract Class<?> application();

	/**
	 * @return properties that select the server
	 */
	protected abstract Map<String, String> serverProperties();

	@AfterEach
	void closeAll() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void http2ClientOpensItsNextStreamOnANewConnectionOnceWithdrawStarts(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=3s", "graceful.web-drain.timeout=2s");
		assertClientMovesToANewConnectionOnGoAway(this.client, "http", output);
	}

	/**
	 * The same over TLS (h2 with ALPN). Called by the servers whose test runs it: Jetty
	 * and Reactor Netty. Tomcat passed it on its own (also under CPU load) but failed it
	 * once inside the full build, where the first GOAWAY was not sent at withdraw start
	 * and the one at its end did not reach the client within 2 s; until that is
	 * understood it is not claimed for Tomcat.
	 * @param output the captured log
	 * @param directory where the test certificate goes
	 */
	protected void http2OverTlsClientOpensItsNextStreamOnANewConnectionOnceWithdrawStarts(CapturedOutput output,
			Path directory) throws Exception {
		TestCertificate certificate = TestCertificate.generate(directory);
		List<String> properties = new ArrayList<>(certificate.serverProperties());
		properties.addAll(List.of("graceful.withdraw.delay=3s", "graceful.web-drain.timeout=2s"));
		start(properties.toArray(String[]::new));
		HttpClient tlsClient = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.sslContext(certificate.clientContext())
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		assertClientMovesToANewConnectionOnGoAway(tlsClient, "https", output);
	}

	/**
	 * One request before close, one during the withdraw delay once the client dropped the
	 * connection that got GOAWAY: the second is served over HTTP/2 on a new connection,
	 * and that connection gets GOAWAY at the end of the delay, before the drain.
	 * @param client the HTTP/2 client
	 * @param scheme {@code http} for h2c, {@code https} for h2 with ALPN
	 * @param output the captured log
	 */
	private void assertClientMovesToANewConnectionOnGoAway(HttpClient client, String scheme, CapturedOutput output)
			throws Exception {
		this.proxy = TcpProxy.start(port());
		HttpResponse<String> before = getPort(client, scheme);
		assertThat(before.version()).as("h2c upgrade or ALPN h2").isEqualTo(HttpClient.Version.HTTP_2);
		TcpProxy.Link first = this.proxy.links().get(0);
		CountDownLatch drainMayStart = this.moments.holdAfterWithdraw();
		CompletableFuture<Duration> closing = closeInBackground();
		assertThat(first.clientClosed.await(CLIENT_REACTION.toSeconds(), TimeUnit.SECONDS))
			.as("the client dropped the connection that got GOAWAY")
			.isTrue();
		HttpResponse<String> during = getPort(client, scheme);
		assertThat(this.moments.withdrawEnded.getCount()).as("still within the delay").isEqualTo(1);
		assertThat(during.statusCode()).isEqualTo(200);
		assertThat(during.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(during.body()).as("server-side remote port").isNotEqualTo(before.body());
		assertThat(this.proxy.links()).hasSize(2);
		System.out.println("Test measured: HTTP/2 (" + scheme + ") client moved from remote port " + before.body()
				+ " to " + during.body() + "; it dropped the first connection "
				+ Duration.ofNanos(first.clientClosedNanos - this.moments.closeStartedNanos).toMillis()
				+ "ms after close started");
		TcpProxy.Link openedDuringDelay = this.proxy.links().get(1);
		assertThat(this.moments.withdrawEnded.await(10, TimeUnit.SECONDS)).isTrue();
		// either side may end it first: the client on the GOAWAY, or the server once its
		// graceful GOAWAY finds no stream left (Jetty's does); the log line below says
		// the
		// GOAWAY was sent to both connections
		assertThat(openedDuringDelay.ended.await(CLIENT_REACTION.toSeconds(), TimeUnit.SECONDS))
			.as("the connection opened during the delay got GOAWAY at its end and ended, before the drain")
			.isTrue();
		System.out.println("Test measured: the connection opened during the delay was ended by the "
				+ (openedDuringDelay.serverClosed ? "server" : "client") + " after its GOAWAY");
		assertThat(this.moments.drainStartedNanos).as("the drain had not started").isZero();
		drainMayStart.countDown();
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).containsPattern("Withdraw finished in [0-9.]+m?s: [0-9]+ requests served during withdraw, "
				+ "[0-9]+ idle connections closed, 2 HTTP/2 connections sent GOAWAY");
	}

	@Test
	void withHttp2GoAwayOffTheHttp2ClientKeepsItsConnectionThroughTheWithdraw(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=2s", "graceful.withdraw.http2-goaway=false", "graceful.web-drain.timeout=2s");
		this.proxy = TcpProxy.start(port());
		HttpResponse<String> before = getPort();
		assertThat(before.version()).isEqualTo(HttpClient.Version.HTTP_2);
		CompletableFuture<Duration> closing = closeInBackground();
		await().atMost(Duration.ofSeconds(10)).until(() -> output.toString().contains("Withdraw started"));
		HttpResponse<String> during = getPort();
		assertThat(this.moments.withdrawEnded.getCount()).as("still within the delay").isEqualTo(1);
		assertThat(during.statusCode()).isEqualTo(200);
		assertThat(during.body()).as("the same connection").isEqualTo(before.body());
		assertThat(this.proxy.links()).hasSize(1);
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).contains("Withdraw finished in").doesNotContain("sent GOAWAY");
	}

	@Test
	void streamInProgressWhenWithdrawStartsCompletesAfterTheGracefulGoAway() throws Exception {
		start("graceful.withdraw.delay=4s", "graceful.web-drain.timeout=2s");
		try (RawHttp2Connection connection = RawHttp2Connection.open(port())) {
			connection.get(1, "/slow?ms=1500");
			awaitInFlight("/slow");
			CompletableFuture<Duration> closing = closeInBackground();
			RawHttp2Connection.Response response = connection.readResponse(1);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("slow");
			assertThat(connection.goAways).as("GOAWAY while the stream was in progress").isNotEmpty();
			RawHttp2Connection.GoAway goAway = connection.goAways.get(0);
			assertThat(goAway.errorCode()).as("NO_ERROR").isZero();
			assertThat(goAway.lastStreamId()).as("first of the two-step GOAWAY").isEqualTo(Integer.MAX_VALUE);
			assertThat(goAway.receivedNanos()).isLessThan(response.endedNanos());
			System.out.println("Test measured: first GOAWAY "
					+ Duration.ofNanos(goAway.receivedNanos() - this.moments.closeStartedNanos).toMillis()
					+ "ms after close started; the stream in progress ended "
					+ Duration.ofNanos(response.endedNanos() - goAway.receivedNanos()).toMillis() + "ms later with "
					+ response.status());
			RawHttp2Connection.GoAway last = awaitFinalGoAway(connection);
			assertThat(last.errorCode()).isZero();
			assertThat(last.lastStreamId()).as("the real last stream id").isEqualTo(1);
			assertThat(this.moments.withdrawEnded.getCount()).as("all of it within the delay").isEqualTo(1);
			closing.get(15, TimeUnit.SECONDS);
		}
	}

	/**
	 * Read on until the second GOAWAY of the two-step, with the real last stream id.
	 * @param connection the connection whose stream 1 has ended
	 * @return that GOAWAY
	 */
	protected RawHttp2Connection.GoAway awaitFinalGoAway(RawHttp2Connection connection) throws Exception {
		connection.awaitGoAways(2);
		return connection.goAways.get(1);
	}

	private HttpResponse<String> getPort() throws Exception {
		return getPort(this.client, "http");
	}

	private HttpResponse<String> getPort(HttpClient client, String scheme) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + this.proxy.port() + "/port"))
			.timeout(Duration.ofSeconds(30))
			.build();
		HttpResponse<String> response = client.send(request, BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	private void start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"server.http2.enabled=true", "spring.main.banner-mode=off"));
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
	}

	private int port() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	private CompletableFuture<Duration> closeInBackground() {
		CompletableFuture<Duration> closed = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			long start = System.nanoTime();
			try {
				this.context.close();
				closed.complete(Duration.ofNanos(System.nanoTime() - start));
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "test-close");
		thread.start();
		return closed;
	}

	private void awaitInFlight(String path) {
		InFlightRequests inFlight = this.context.getBean(InFlightRequests.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> inFlight.snapshot().stream().anyMatch((request) -> request.path().equals(path)));
	}

}
