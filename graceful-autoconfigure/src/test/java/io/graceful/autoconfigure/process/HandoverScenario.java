package io.graceful.autoconfigure.process;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import io.graceful.testsupport.ChildJvm;

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

	private static final java.util.concurrent.ExecutorService REQUESTS = java.util.concurrent.Executors
		.newCachedThreadPool();

	private HandoverScenario() {
	}

	public static void main(String[] args) throws Exception {
		try {
			switch (args[0]) {
				case "handover" -> handover(args[1], "graceful".equals(args[2]));
				case "migration" -> migration(args[1]);
				case "sighup" -> sighup(args[1], false);
				case "sighup-not-ready" -> sighup(args[1], true);
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
				KeepAliveConnection keptAlive = connectionTo("a");
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
				result("kept-alive-request-during-shutdown", request(keptAlive));
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

	private static void sighup(String server, boolean successorNeverReady) throws Exception {
		Path pauseFile = Files.createTempFile("handover-pause", ".flag");
		Files.delete(pauseFile);
		List<String> extra = List.of("--graceful.handover.enabled=true", "--graceful.handover.signal=HUP",
				"--graceful.handover.successor-timeout=" + (successorNeverReady ? "30s" : "90s"),
				"--handover-test.pause-if-file=" + pauseFile);
		long successor = -1;
		try (ChildJvm a = start(server, "a", extra)) {
			a.awaitLine("HANDOVER-TEST-READY", READY);
			if (successorNeverReady) {
				Files.createFile(pauseFile);
			}
			Load load = new Load(4, Duration.ofMillis(25));
			load.start();
			Thread.sleep(1000);
			a.signal("HUP");
			successor = Long.parseLong(a.awaitLine("started successor pid (\\d+)", Duration.ofSeconds(10)));
			a.signal("HUP");
			a.awaitLine("SIGHUP ignored, a hand-over is already running", Duration.ofSeconds(10));
			result("second-sighup-ignored", true);
			if (successorNeverReady) {
				// the successor has bound the port and is held before it is ready: new
				// connections the kernel gives it wait in its accept queue
				a.awaitLine("HANDOVER-TEST-RUNNER-PAUSED", READY);
				List<CompletableFuture<String>> whileHeld = parallelRequests(20);
				Thread.sleep(1000);
				result("waiting-at-held-successor", whileHeld.stream().filter((f) -> !f.isDone()).count());
				a.awaitLine("Hand-over abandoned: successor pid \\d+ was not ready within", Duration.ofSeconds(30));
				result("successor-stopped", ProcessHandle.of(successor).map((handle) -> {
					try {
						return handle.onExit().get(15, TimeUnit.SECONDS) != null;
					}
					catch (Exception ex) {
						return false;
					}
				}).orElse(true));
				result("requests-while-successor-held", outcomes(whileHeld));
				Thread.sleep(1000);
				result("a-alive", a.process().isAlive());
				result("new-connections-after", probe(20));
				load.stop();
				load.report();
			}
			else {
				a.awaitLine("Hand-over: successor pid \\d+ is ready", READY);
				result("a-exited", a.process().waitFor(30, TimeUnit.SECONDS));
				result("successor-alive", ProcessHandle.of(successor).map(ProcessHandle::isAlive).orElse(false));
				Thread.sleep(1000);
				result("new-connections-after", probe(20));
				load.stop();
				load.report();
			}
		}
		finally {
			ProcessHandle.of(successor).ifPresent(ProcessHandle::destroyForcibly);
			Files.deleteIfExists(pauseFile);
		}
	}

	private static void migration(String server) throws Exception {
		try (ChildJvm a = start(server, "a", List.of("--graceful.handover.enabled=true"))) {
			a.awaitLine("HANDOVER-TEST-READY", READY);
			try (ChildJvm b = start(server, "b",
					List.of("--graceful.handover.enabled=true", "--handover-test.startup-pause=120s"))) {
				b.awaitLine("HANDOVER-TEST-RUNNER-STARTED", READY);
				int connections = 40;
				List<CompletableFuture<String>> responses = parallelRequests(connections);
				Thread.sleep(1500);
				long answeredBeforeKill = responses.stream().filter(CompletableFuture::isDone).count();
				result("connections", connections);
				result("queued-at-held-listener", connections - answeredBeforeKill);
				b.process().destroyForcibly();
				b.process().waitFor(30, TimeUnit.SECONDS);
				result("outcomes", outcomes(responses));
			}
		}
	}

	/**
	 * Open connections at once, send a request on each, and read the responses in the
	 * background.
	 */
	private static List<CompletableFuture<String>> parallelRequests(int connections) throws IOException {
		List<KeepAliveConnection> opened = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			KeepAliveConnection connection = KeepAliveConnection.open(PORT);
			connection.send("/hello");
			opened.add(connection);
		}
		List<CompletableFuture<String>> responses = new ArrayList<>();
		for (KeepAliveConnection connection : opened) {
			responses.add(CompletableFuture.supplyAsync(() -> {
				try (connection) {
					KeepAliveConnection.Response response = connection.read();
					return response.status() + ":" + response.body();
				}
				catch (IOException ex) {
					return "failed:" + ex.getClass().getSimpleName() + ":" + ex.getMessage();
				}
			}, REQUESTS));
		}
		return responses;
	}

	private static Map<String, Long> outcomes(List<CompletableFuture<String>> responses) throws Exception {
		Map<String, Long> outcomes = new java.util.TreeMap<>();
		for (CompletableFuture<String> response : responses) {
			String outcome = response.get(40, TimeUnit.SECONDS);
			String key = outcome.startsWith("failed:") ? outcome.split(":")[1] : outcome;
			outcomes.merge(key, 1L, Long::sum);
		}
		return outcomes;
	}

	private static ChildJvm start(String server, String name, List<String> extra) throws IOException {
		List<String> args = new ArrayList<>(List.of("--handover-test.server=" + server, "--handover-test.name=" + name,
				"--server.port=" + PORT, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--management.endpoints.web.exposure.include=health"));
		args.addAll(extra);
		return ProcessTestJvm.start(HandoverTestApplication.class, args);
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

	private static String request(KeepAliveConnection connection) {
		try (connection) {
			KeepAliveConnection.Response response = connection.get("/hello");
			return response.status() + ":" + response.body() + (response.connectionClose() ? ":close" : ":keep-alive");
		}
		catch (IOException ex) {
			return "failed:" + Load.failure(ex);
		}
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

		static String failure(IOException ex) {
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
