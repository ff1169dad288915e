package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket sessions during a shutdown on Reactor Netty with a WebFlux
 * {@code WebSocketHandler}.
 */
class NettyWebSocketShutdownTests extends AbstractWebSocketShutdownTests {

	@Override
	protected Class<?> application() {
		return WebSocketWebFluxApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.main.web-application-type", "reactive", "spring.autoconfigure.exclude",
				"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration");
	}

	@Test
	void reactorNettyEndsTheSessionWhenItSends1001SoNothingIsLeftToAbort(CapturedOutput output) throws Exception {
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
	void withoutTheStarterAnOpenSessionHoldsTheDrainToItsBound() throws Exception {
		start("graceful.enabled=false", "spring.lifecycle.timeout-per-shutdown-phase=2s");
		Client client = Client.open(port(), "/ws");
		assertThat(client.echo("hello")).isEqualTo("hello");
		Duration took = closeInBackground().get(15, TimeUnit.SECONDS);
		assertThat(took).as("held to the 2s phase timeout").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		Client.Closed closed = client.awaitClose(Duration.ofSeconds(10));
		assertThat(closed.nanos()).as("after the drain").isGreaterThan(this.drainEndedNanos);
		System.out.println("Test measured: without the starter the client saw close " + closed.code() + " after "
				+ took.toMillis() + "ms of close");
	}

}
