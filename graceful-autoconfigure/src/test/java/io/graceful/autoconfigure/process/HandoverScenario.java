package io.graceful.autoconfigure.process;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.graceful.autoconfigure.handover.HandoverTestApplication;

/**
 * The driver of a hand-over scenario, run by {@link HandoverProcessTests} inside a
 * network namespace of its own (so the fixed port and {@code net.ipv4.tcp_migrate_req}
 * touch nothing on the host): it starts the application instances as child JVMs, drives
 * the clients, and prints {@code RESULT key=value} lines the test asserts on.
 * <ul>
 * <li>{@code handover <server> graceful|plain}: instance a serves under a steady
 * keep-alive load; instance b starts on the same port; a gets SIGTERM with a slow request
 * in flight and an idle keep-alive connection open; the load goes on until a has
 * exited.</li>
 * <li>{@code migration <server>}: instance a serves; instance b binds the same port but
 * is held before it is ready (its acceptor waits); connections sent to the port queue in
 * b's accept queue; b is killed, which closes its listener.</li>
 * </ul>
 */
public final class HandoverScenario {

	static final int PORT = 18080;

	private static final Duration READY = Duration.ofSeconds(90);

	private HandoverScenario() {
	}

	public static void main(String[] args) throws Exception {
		try {
			switch (args[0]) {
				case "handover" -> handover(args[1], "graceful".equals(args[2]));
				case "migration" -> migration(args[1]);
				default -> throw new IllegalArgumentException(args[0]);
			}
		}
		catch (Throwable ex) {
			ex.printStackTrace(System.out);
			result("error", ex.toString().replace('\n', ' '));
		}
		System.out.flush();
		System.exit(0);
	}

	private static void handover(String server, boolean graceful) throws Exception {
		List<String> extra = graceful ? List.of("--graceful.handover.enabled=true")
				: List.of("--graceful.enabled=false", "--handover-test.plain-reuse-port=true");
		try (ChildJvm a = start(server, "a", extra)) {
			a.awaitLine("HANDOVER-TEST-READY", READY);
			Load load = new Load(4, Duration.ofMillis(25));
			load.start();
			Thread.sleep(1000);
			try (ChildJvm b = start(server, "b", extra)) {
				long bStarted = System.nanoTime();
				b.awaitLine("HANDOVER-TEST-READY", READY);
				result("successor-ready-ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - bStarted));
				Map<String, Long> before = probe(60);
				result("new-connections-before", before);
				KeepAliveConnection idle = connectionTo("a");
				KeepAliveConnection slow = connectionTo("a");
				CompletableFuture<String> slowResult = CompletableFuture.supplyAsync(() -> {
					try {
						KeepAliveConnection.Response response = slow.get("/slow?millis=2500");
						return response.status() + ":" + response.body();
					}
					catch (IOException ex) {
						return "failed:" + ex;
					}
				});
				a.awaitLine("HANDOVER-TEST-SLOW-STARTED", Duration.ofSeconds(10));
				CompletableFuture<Boolean> idleClosed = CompletableFuture.supplyAsync(idle::awaitClosedByServer);
				load.markSigterm();
				long sigterm = System.nanoTime();
				a.process().destroy();
				if (graceful) {
					a.awaitLine("Hand-over started", Duration.ofSeconds(10));
				}
				else {
					Thread.sleep(300);
				}
				Map<String, Long> after = probe(40);
				result("new-connections-after-shutdown-began", after);
				boolean exited = a.process().waitFor(30, TimeUnit.SECONDS);
				long aExited = System.nanoTime();
				result("a-exited", exited);
				result("a-exit-ms-after-sigterm", TimeUnit.NANOSECONDS.toMillis(aExited - sigterm));
				result("slow-request", slowResult.get(5, TimeUnit.SECONDS));
				result("idle-connection-closed-by-a", idleClosed.isDone() && idleClosed.get());
				Thread.sleep(1000);
				load.stop();
				load.report();
				b.process().destroy();
				b.process().waitFor(30, TimeUnit.SECONDS);
			}
		}
	}

	private static void migration(String server) throws Exception {
		try (ChildJvm a = start(server, "a", List.of("--graceful.handover.enabled=true"))) {
			a.awaitLine("HANDOVER-TEST-READY", READY);
			try (ChildJvm b = start(server, "b",
					List.of("--graceful.handover.enabled=true", "--handover-test.startup-pause=120s"))) {
				b.awaitLine("HANDOVER-TEST-RUNNER-STARTED", READY);
				int connections = 40;
				List<KeepAliveConnection> opened = new ArrayList<>();
				for (int i = 0; i < connections; i++) {
					KeepAliveConnection connection = KeepAliveConnection.open(PORT);
					connection.send("/hello");
					opened.add(connection);
				}
				List<CompletableFuture<String>> responses = new ArrayList<>();
				for (KeepAliveConnection connection : opened) {
					responses.add(CompletableFuture.supplyAsync(() -> {
						try {
							KeepAliveConnection.Response response = connection.read();
							return response.status() + ":" + response.body();
						}
						catch (IOException ex) {
							return "failed:" + ex.getClass().getSimpleName() + ":" + ex.getMessage();
						}
					}));
				}
				Thread.sleep(1500);
				long answeredBeforeKill = responses.stream().filter(CompletableFuture::isDone).count();
				result("connections", connections);
				result("queued-at-held-listener", connections - answeredBeforeKill);
				b.process().destroyForcibly();
				b.process().waitFor(30, TimeUnit.SECONDS);
				Map<String, Long> outcomes = new ConcurrentHashMap<>();
				for (CompletableFuture<String> response : responses) {
					String outcome = response.get(20, TimeUnit.SECONDS);
					String key = outcome.startsWith("failed:") ? outcome.split(":")[1] : outcome;
					outcomes.merge(key, 1L, Long::sum);
				}
				result("outcomes", outcomes);
				for (KeepAliveConnection connection : opened) {
					connection.close();
				}
			}
		}
	}

	private static ChildJvm start(String server, String name, List<String> extra) throws IOException {
		List<String> args = new ArrayList<>(List.of("--handover-test.server=" + server, "--handover-test.name=" + name,
				"--server.port=" + PORT, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--management.endpoints.web.exposure.include=health"));
		args.addAll(extra);
		return ChildJvm.start(HandoverTestApplication.class, args);
	}

	/**
	 * Open a keep-alive connection that instance {@code name} serves (new connections are
	 * spread over both).
	 */
	private static KeepAliveConnection connectionTo(String name) throws IOException {
		for (int i = 0; i < 200; i++) {
			KeepAliveConnection connection = KeepAliveConnection.open(PORT);
			KeepAliveConnection.Response response = connection.get("/hello");
			if (name.equals(response.body()) && !response.connectionClose()) {
				return connection;
			}
			connection.close();
		}
		throw new IllegalStateException("no connection reached " + name);
	}

	/**
	 * Send requests each on a new connection, and count who served them.
	 */
	private static Map<String, Long> probe(int count) {
		Map<String, Long> servedBy = new java.util.TreeMap<>();
		for (int i = 0; i < count; i++) {
			String key;
			try (KeepAliveConnection connection = KeepAliveConnection.open(PORT)) {
				KeepAliveConnection.Response response = connection.get("/hello");
				key = (response.status() == 200) ? response.body() : "status-" + response.status();
			}
			catch (IOException ex) {
				key = "failed-" + ex.getClass().getSimpleName();
			}
			servedBy.merge(key, 1L, Long::sum);
		}
		return servedBy;
	}

	static void result(String key, Object value) {
		System.out.println("RESULT " + key + "=" + value);
	}

	/**
	 * Keep-alive clients at a steady pace: each sends a request, waits for its response,
	 * pauses, and reconnects when the server said {@code Connection: close} or closed the
	 * connection between two requests.
	 */
	static final class Load {

		private final int clients;

		private final Duration pause;

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicBoolean afterSigterm = new AtomicBoolean();

		private final AtomicLong sent = new AtomicLong();

		private final Map<String, Long> outcomes = new ConcurrentHashMap<>();

		private final AtomicLong connectionCloseFromA = new AtomicLong();

		private final List<Thread> threads = new ArrayList<>();

		Load(int clients, Duration pause) {
			this.clients = clients;
			this.pause = pause;
		}

		void start() {
			for (int i = 0; i < this.clients; i++) {
				Thread thread = new Thread(this::run, "load-" + i);
				thread.start();
				this.threads.add(thread);
			}
		}

		void markSigterm() {
			this.afterSigterm.set(true);
		}

		private void run() {
			KeepAliveConnection connection = null;
			while (this.running.get()) {
				try {
					if (connection == null) {
						connection = KeepAliveConnection.open(PORT);
					}
					this.sent.incrementAndGet();
					KeepAliveConnection.Response response = connection.get("/hello");
					count((response.status() == 200) ? "ok-" + response.body() : "status-" + response.status());
					if (response.connectionClose()) {
						if (this.afterSigterm.get() && "a".equals(response.body())) {
							this.connectionCloseFromA.incrementAndGet();
						}
						connection.close();
						connection = null;
					}
				}
				catch (IOException ex) {
					count(failure(ex));
					close(connection);
					connection = null;
				}
				try {
					Thread.sleep(this.pause.toMillis());
				}
				catch (InterruptedException ex) {
					return;
				}
			}
			close(connection);
		}

		private static String failure(IOException ex) {
			if (ex instanceof ConnectException) {
				return "failed-refused";
			}
			if (ex instanceof KeepAliveConnection.EofException) {
				return "failed-closed-without-response";
			}
			if (ex instanceof SocketException && String.valueOf(ex.getMessage()).contains("reset")) {
				return "failed-reset";
			}
			return "failed-" + ex.getClass().getSimpleName();
		}

		private void count(String outcome) {
			this.outcomes.merge(outcome, 1L, Long::sum);
		}

		private static void close(KeepAliveConnection connection) {
			if (connection != null) {
				try {
					connection.close();
				}
				catch (IOException ex) {
					// closing
				}
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join(20000);
			}
		}

		void report() {
			long failed = this.outcomes.entrySet()
				.stream()
				.filter((entry) -> !entry.getKey().startsWith("ok-"))
				.mapToLong(Map.Entry::getValue)
				.sum();
			result("load-sent", this.sent.get());
			result("load-failed", failed);
			result("load-outcomes", new java.util.TreeMap<>(this.outcomes));
			result("load-connection-close-from-a", this.connectionCloseFromA.get());
		}

	}

}
