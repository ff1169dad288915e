package io.graceful.autoconfigure.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.GracefulPhases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket sessions during a shutdown, with real JDK WebSocket clients over sockets:
 * graceful sends 1001 when the drain starts and sessions do not hold the drain.
 * Subclasses pick the server and state what plain Spring Boot does.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractWebSocketShutdownTests {

	protected final ShutdownMoments moments = new ShutdownMoments();

	protected volatile long drainEndedNanos;

	/**
	 * When set, the drain phase waits (at most 5s) until it is counted down: the drain
	 * then lasts until the client has seen what the drain's start sent it, so that
	 * "before the drain ended" does not race a drain with nothing in flight.
	 */
	private volatile CountDownLatch drainHeldUntil;

	protected ConfigurableApplicationContext context;

	protected abstract Class<?> application();

	protected abstract Map<String, String> serverProperties();

	@AfterEach
	void closeContext() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void openSessionGets1001WhenTheDrainStartsAndTheDrainEndsLongBeforeItsBound(CapturedOutput output)
			throws Exception {
		start("graceful.withdraw.delay=500ms", "graceful.web-drain.timeout=5s");
		Client client = Client.open(port(), "/ws");
		assertThat(client.echo("hello")).isEqualTo("hello");
		CountDownLatch drainHeld = new CountDownLatch(1);
		this.drainHeldUntil = drainHeld;
		CompletableFuture<Duration> closing = closeInBackground();
		Client.Closed closed;
		try {
			closed = client.awaitClose(Duration.ofSeconds(10));
		}
		finally {
			drainHeld.countDown();
		}
		Duration took = closing.get(15, TimeUnit.SECONDS);
		assertThat(closed.code()).isEqualTo(1001);
		assertThat(closed.reason()).isNotBlank();
		assertThat(closed.nanos()).as("sent at drain start, after the withdraw")
			.isGreaterThan(this.moments.withdrawEndedNanos);
		assertThat(closed.nanos()).as("before the drain ended").isLessThan(this.drainEndedNanos);
		assertThat(took).as("0.5s delay, drain bound 5s").isLessThan(Duration.ofMillis(2500));
		assertThat(output).contains("1 WebSocket sessions sent 1001")
			.containsPattern("Web drain finished in [0-9.]+m?s: [0-9]+ requests were in flight, 0 cut");
	}

	@Test
	void sessionOpenedDuringTheWithdrawIsServed() throws Exception {
		start("graceful.withdraw.delay=3s", "graceful.web-drain.timeout=5s");
		assertThat(Client.open(port(), "/ws").echo("warm up")).isEqualTo("warm up");
		closeInBackground();
		assertThat(this.moments.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		Client client = Client.open(port(), "/ws");
		assertThat(client.echo("during withdraw")).isEqualTo("during withdraw");
		assertThat(this.moments.withdrawEndedNanos).as("still within the delay").isZero();
		assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1001);
	}

	protected ConfigurableApplicationContext start(String... properties) {
		List<String> all = new ArrayList<>(
				List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						"spring.autoconfigure.exclude="
								+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
								+ serverProperties().getOrDefault("spring.autoconfigure.exclude", "")));
		serverProperties().forEach((key, value) -> {
			if (!"spring.autoconfigure.exclude".equals(key)) {
				all.add(key + "=" + value);
			}
		});
		all.addAll(List.of(properties));
		this.context = new SpringApplicationBuilder(application()).listeners(this.moments).initializers((context) -> {
			context.getBeanFactory().registerSingleton("withdrawEndMarker", this.moments.withdrawEndMarker());
			context.getBeanFactory().registerSingleton("drainStartMarker", this.moments.drainStartMarker());
			context.getBeanFactory().registerSingleton("drainHold", new Marker(GracefulPhases.WEB_DRAIN, () -> {
				CountDownLatch hold = this.drainHeldUntil;
				if (hold != null) {
					try {
						hold.await(5, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}));
			context.getBeanFactory()
				.registerSingleton("drainEndMarker",
						new Marker(GracefulPhases.WEB_DRAIN_END - 1, () -> this.drainEndedNanos = System.nanoTime()));
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

	private static final class Marker implements SmartLifecycle {

		private final int phase;

		private final Runnable onStop;

		private volatile boolean running;

		Marker(int phase, Runnable onStop) {
			this.phase = phase;
			this.onStop = onStop;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
			this.onStop.run();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

	/**
	 * A JDK WebSocket client that records text messages and the close it receives.
	 */
	static final class Client implements WebSocket.Listener {

		private final CompletableFuture<Closed> closed = new CompletableFuture<>();

		private final boolean answerClose;

		private final StringBuilder text = new StringBuilder();

		private volatile CompletableFuture<String> next = new CompletableFuture<>();

		private WebSocket webSocket;

		private Client(boolean answerClose) {
			this.answerClose = answerClose;
		}

		static Client open(int port, String path) throws Exception {
			return open(port, path, true);
		}

		/**
		 * @param answerClose whether the client answers the server's close frame (a
		 * client that does not keeps the session half closed)
		 */
		static Client open(int port, String path, boolean answerClose) throws Exception {
			return open(port, path, answerClose, null);
		}

		static Client open(int port, String path, boolean answerClose, String subprotocol) throws Exception {
			Client client = new Client(answerClose);
			WebSocket.Builder builder = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(5));
			if (subprotocol != null) {
				builder.subprotocols(subprotocol);
			}
			client.webSocket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
				.get(10, TimeUnit.SECONDS);
			return client;
		}

		String echo(String message) throws Exception {
			return send(message).get(5, TimeUnit.SECONDS);
		}

		CompletableFuture<String> send(String message) throws Exception {
			this.next = new CompletableFuture<>();
			this.webSocket.sendText(message, true).get(5, TimeUnit.SECONDS);
			return this.next;
		}

		Closed awaitClose(Duration timeout) throws Exception {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.next.complete(this.text.toString());
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(new Closed(statusCode, reason, System.nanoTime()));
			return this.answerClose ? null : new CompletableFuture<Void>();
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.completeExceptionally(error);
			this.next.completeExceptionally(error);
		}

		byte[] bytes(String s) {
			return s.getBytes(StandardCharsets.UTF_8);
		}

		record Closed(int code, String reason, long nanos) {
		}

	}

}
