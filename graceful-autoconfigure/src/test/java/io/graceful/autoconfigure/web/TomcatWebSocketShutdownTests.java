package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket sessions during a shutdown on Tomcat: {@code @EnableWebSocket} handlers and
 * STOMP over WebSocket.
 */
class TomcatWebSocketShutdownTests extends AbstractWebSocketShutdownTests {

	static final String STOMP_CONNECT = "CONNECT\naccept-version:1.2\nhost:localhost\n\n\0";

	@Override
	protected Class<?> application() {
		return WebSocketMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("scenario.standard-upgrade", "true", "spring.autoconfigure.exclude",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration");
	}

	@Test
	void tomcatEndsTheSessionWhenItSends1001SoNothingIsLeftToAbort(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=0", "graceful.web-drain.timeout=5s",
				"graceful.web-drain.web-socket-close-timeout=500ms");
		Client client = Client.open(port(), "/ws", false);
		assertThat(client.echo("hello")).isEqualTo("hello");
		Duration took = closeInBackground().get(15, TimeUnit.SECONDS);
		assertThat(client.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(1001);
		assertThat(took).isLessThan(Duration.ofMillis(2500));
		assertThat(output).contains("1 WebSocket sessions sent 1001").doesNotContain("did not close");
	}

	@Test
	void stompSessionGets1001WhenTheDrainStarts() throws Exception {
		start("graceful.withdraw.delay=500ms", "graceful.web-drain.timeout=5s");
		Client client = Client.open(port(), "/stomp", true, "v12.stomp");
		assertThat(client.echo(STOMP_CONNECT)).startsWith("CONNECTED");
		CompletableFuture<Duration> closing = closeInBackground();
		Client.Closed closed = client.awaitClose(Duration.ofSeconds(10));
		assertThat(closing.get(15, TimeUnit.SECONDS)).isLessThan(Duration.ofMillis(2500));
		assertThat(closed.code()).isEqualTo(1001);
		assertThat(closed.nanos()).as("after the withdraw").isGreaterThan(this.moments.withdrawEndedNanos);
		assertThat(closed.nanos()).as("before the drain ended").isLessThan(this.drainEndedNanos);
	}

	@Test
	void withoutTheStarterTheSessionEndsOnlyAtWebStopAfterTheDrain() throws Exception {
		start("graceful.enabled=false");
		Client client = Client.open(port(), "/ws");
		assertThat(client.echo("hello")).isEqualTo("hello");
		closeInBackground().get(15, TimeUnit.SECONDS);
		Client.Closed closed = client.awaitClose(Duration.ofSeconds(10));
		assertThat(closed.nanos()).as("after the drain").isGreaterThan(this.drainEndedNanos);
		System.out.println("Test measured: without the starter the client saw close " + closed.code() + " "
				+ Duration.ofNanos(closed.nanos() - this.drainEndedNanos).toMillis() + "ms after the drain ended");
	}

}
