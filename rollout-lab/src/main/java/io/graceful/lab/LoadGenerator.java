package io.graceful.lab;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model load: requests start at a fixed arrival rate whatever the responses do (a
 * slow or failing server does not slow the load down, as with real users). Keep-alive
 * HTTP/1.1 clients; a seeded mix of short and long orders plus counter increments. Every
 * request is recorded with its outcome.
 */
final class LoadGenerator {

	/**
	 * One request: kind ({@code order}, {@code increment}, or {@code increment-burst} /
	 * {@code order-saturation} when sent straight to an instance, {@code download} for a
	 * slow client's large response through the balancer, {@code grpc} for a gRPC call of
	 * {@link GrpcLoad}), id, times in lab ms, status (0: no response; for a gRPC call its
	 * status code, 0: OK), and the instance that answered ({@code app-1/<pid>} from the
	 * sample app's {@code X-Instance} header or gRPC reply; empty without a response).
	 */
	record Request(long seq, String kind, String id, double startMs, double endMs, int status, String error,
			String instance) {

		boolean ok() {
			return grpc() ? this.status == 0 : this.status >= 200 && this.status < 300;
		}

		/**
		 * Whether it is a gRPC call ({@link GrpcLoad}): then {@code status} is the gRPC
		 * status code, 0 for OK.
		 */
		boolean grpc() {
			return this.kind.equals(GrpcLoad.KIND);
		}

		/**
		 * Whether the application refused it: an increment answered {@code 503} by the
		 * instance itself (its {@code X-Instance} header is there, unlike on a 503 of
		 * HAProxy or of a paused Tomcat), which the sample app sends when shutdown-safe
		 * admission refuses work it could not finish. Neither acknowledged nor failed.
		 */
		boolean rejected() {
			return this.status == 503 && !this.instance.isEmpty() && this.kind.startsWith("increment");
		}

		boolean failed() {
			return !ok() && !rejected();
		}

		/** Whether it came through the balancer (not sent straight to one instance). */
		boolean balanced() {
			return this.kind.equals("order") || this.kind.equals("increment") || this.kind.equals("download") || grpc();
		}

		boolean answeredBy(String name, long pid) {
			return this.instance.equals(name + "/" + pid);
		}

	}

	/**
	 * The mix: share of increments, share of long orders, bounds of short and long work.
	 */
	record Mix(double incrementShare, double longShare, int shortMaxMs, int longMinMs, int longMaxMs,
			int incrementDelayMs) {
	}

	private final URI base;

	private final double rate;

	private final Mix mix;

	private final Random random;

	private final String idPrefix;

	private final Duration timeout;

	private final List<HttpClient> clients = new ArrayList<>();

	private final ExecutorService executor = Executors.newFixedThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "lab-http");
		thread.setDaemon(true);
		return thread;
	});

	private final ConcurrentLinkedQueue<Request> done = new ConcurrentLinkedQueue<>();

	private final List<CompletableFuture<?>> pending = new ArrayList<>();

	final AtomicLong sent = new AtomicLong();

	final AtomicLong ok = new AtomicLong();

	final AtomicLong failed = new AtomicLong();

	private final AtomicLong nextSeq = new AtomicLong();

	private volatile boolean running;

	private Thread pacer;

	LoadGenerator(int port, double rate, Mix mix, long seed, String idPrefix, int clientCount, Duration timeout) {
		this.base = URI.create("http://127.0.0.1:" + port);
		this.rate = rate;
		this.mix = mix;
		this.random = new Random(seed);
		this.idPrefix = idPrefix;
		this.timeout = timeout;
		for (int i = 0; i < clientCount; i++) {
			this.clients.add(HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(2))
				.executor(this.executor)
				.build());
		}
	}

	void start() {
		this.running = true;
		this.pacer = new Thread(this::pace, "lab-pacer");
		this.pacer.setDaemon(true);
		this.pacer.start();
	}

	private void pace() {
		long periodNanos = (long) (1_000_000_000L / this.rate);
		long next = System.nanoTime();
		while (this.running) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
				continue;
			}
			send(this.nextSeq.getAndIncrement());
			next += periodNanos;
		}
	}

	private void send(long seq) {
		HttpClient client = this.clients.get((int) (seq % this.clients.size()));
		HttpRequest request;
		String kind;
		String id;
		if (this.random.nextDouble() < this.mix.incrementShare()) {
			kind = "increment";
			id = "";
			request = HttpRequest
				.newBuilder(this.base.resolve("/counter/increment?delayMs=" + this.mix.incrementDelayMs()))
				.timeout(this.timeout)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build();
		}
		else {
			kind = "order";
			id = this.idPrefix + "-" + seq;
			int workMs = (this.random.nextDouble() < this.mix.longShare())
					? this.mix.longMinMs() + this.random.nextInt(this.mix.longMaxMs() - this.mix.longMinMs() + 1)
					: this.random.nextInt(this.mix.shortMaxMs() + 1);
			request = HttpRequest.newBuilder(this.base.resolve("/orders"))
				.timeout(this.timeout)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"workMs\":" + workMs + "}"))
				.build();
		}
		track(client, request, seq, kind, id);
	}

	/**
	 * Sends {@code count} increments straight to one instance (not through the balancer),
	 * as a batch of background jobs queued just before that instance is stopped, and
	 * waits for their answers.
	 */
	void burst(int port, int count, int delayMs) {
		URI instance = URI.create("http://127.0.0.1:" + port + "/counter/increment?delayMs=" + delayMs);
		List<CompletableFuture<?>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			HttpRequest request = HttpRequest.newBuilder(instance)
				.timeout(this.timeout)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build();
			futures.add(track(this.clients.get(0), request, this.nextSeq.getAndIncrement(), "increment-burst", ""));
		}
		awaitAll(futures);
	}

	/**
	 * Sends {@code count} orders of {@code workMs} each straight to one instance, each on
	 * its own new connection, and returns without waiting: they hold that many of its
	 * worker threads (the saturation scenario).
	 */
	List<CompletableFuture<?>> saturate(int port, int count, int workMs) {
		URI orders = URI.create("http://127.0.0.1:" + port + "/orders");
		HttpClient own = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.executor(this.executor)
			.build();
		List<CompletableFuture<?>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long seq = this.nextSeq.getAndIncrement();
			String id = this.idPrefix + "-" + seq;
			HttpRequest request = HttpRequest.newBuilder(orders)
				.timeout(this.timeout)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"workMs\":" + workMs + "}"))
				.build();
			futures.add(track(own, request, seq, "order-saturation", id));
		}
		return futures;
	}

	/**
	 * Starts {@code count} slow clients through the balancer and returns at once: each
	 * opens its own connection (receive buffer 16 KiB), asks for {@code kb} KiB
	 * ({@code GET /export}) and reads it at {@code bytesPerSecond}. A download is ok with
	 * status 200 and every byte of its Content-Length.
	 */
	void slowDownloads(int count, int kb, int bytesPerSecond) {
		for (int i = 0; i < count; i++) {
			long seq = this.nextSeq.getAndIncrement();
			CompletableFuture<Void> future = new CompletableFuture<>();
			synchronized (this.pending) {
				this.pending.add(future);
			}
			this.sent.incrementAndGet();
			Thread thread = new Thread(() -> {
				Request done = slowDownload(seq, kb, bytesPerSecond);
				(done.ok() ? this.ok : this.failed).incrementAndGet();
				this.done.add(done);
				future.complete(null);
			}, "lab-slow-client");
			thread.setDaemon(true);
			thread.start();
		}
	}

	private Request slowDownload(long seq, int kb, int bytesPerSecond) {
		double start = LabClock.now();
		int status = 0;
		String instance = "";
		String error = "";
		long expected = kb * 1024L;
		long received = 0;
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.setReceiveBufferSize(16 * 1024);
			socket.connect(new java.net.InetSocketAddress(this.base.getHost(), this.base.getPort()), 2000);
			socket.setSoTimeout((int) this.timeout.toMillis());
			socket.getOutputStream()
				.write(("GET /export?kb=" + kb + " HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
					.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
			String line = readLine(in);
			if (line == null || !line.startsWith("HTTP/1.1 ")) {
				throw new java.io.IOException("no response (" + line + ")");
			}
			status = Integer.parseInt(line.substring(9, 12));
			long length = -1;
			while ((line = readLine(in)) != null && !line.isEmpty()) {
				String lower = line.toLowerCase(java.util.Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(line.substring(15).trim());
				}
				else if (lower.startsWith("x-instance:")) {
					instance = line.substring(11).trim();
				}
			}
			byte[] buffer = new byte[4096];
			long began = System.nanoTime();
			int n;
			while ((n = in.read(buffer)) > 0) {
				received += n;
				long due = began + (long) (received * 1e9 / bytesPerSecond);
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			if (status >= 200 && status < 300 && (length != expected || received != expected)) {
				error = "IOException: body ended after " + received + " of " + expected + " bytes";
				status = 0;
			}
		}
		catch (Exception ex) {
			error = describe(ex) + " after " + received + " of " + expected + " body bytes";
			status = (status >= 200 && status < 300) ? 0 : status;
		}
		return new Request(seq, "download", "", start, LabClock.now(), status, error, instance);
	}

	private static String readLine(java.io.InputStream in) throws java.io.IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) >= 0) {
			if (c == '\n') {
				return line.toString().strip();
			}
			line.append((char) c);
		}
		return (line.length() > 0) ? line.toString() : null;
	}

	private void awaitAll(List<CompletableFuture<?>> futures) {
		try {
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.get(this.timeout.toSeconds() + 5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// recorded as failed requests
		}
	}

	private CompletableFuture<?> track(HttpClient client, HttpRequest request, long seq, String kind, String id) {
		double start = LabClock.now();
		this.sent.incrementAndGet();
		CompletableFuture<?> future = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
			.handle((response, ex) -> {
				double end = LabClock.now();
				int status = (response != null) ? response.statusCode() : 0;
				String error = (ex != null) ? describe(ex) : "";
				String instance = (response != null) ? response.headers().firstValue("X-Instance").orElse("") : "";
				Request done = new Request(seq, kind, id, start, end, status, error, instance);
				(done.ok() ? this.ok : this.failed).incrementAndGet();
				this.done.add(done);
				return null;
			});
		synchronized (this.pending) {
			this.pending.add(future);
		}
		return future;
	}

	private static String describe(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		String message = (cause.getMessage() != null) ? cause.getMessage() : "";
		return (cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message)).replace(',', ';')
			.replace('\n', ' ');
	}

	/** The next request number, for another load that shares this one's ids. */
	long nextSeq() {
		return this.nextSeq.getAndIncrement();
	}

	long inFlight() {
		return this.sent.get() - this.ok.get() - this.failed.get();
	}

	/** Stops sending and waits for every response (or its timeout). */
	/**
	 * Whether an order was acknowledged by this run of the instance ({@code X-Instance}
	 * {@code name/pid}): its request published the order's record, so the instance's
	 * producer exists and knows the topic.
	 */
	boolean acknowledgedOrderFrom(String name, long pid) {
		String answeredBy = name + "/" + pid;
		return this.done.stream()
			.anyMatch((request) -> request.ok() && request.kind().startsWith("order")
					&& answeredBy.equals(request.instance()));
	}

	List<Request> stop() {
		this.running = false;
		try {
			this.pacer.join();
			List<CompletableFuture<?>> all;
			synchronized (this.pending) {
				all = new ArrayList<>(this.pending);
			}
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
				.get(this.timeout.toSeconds() + 10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// requests still without an answer are counted as failed below
		}
		this.executor.shutdownNow();
		List<Request> requests = new ArrayList<>(this.done);
		requests.sort((a, b) -> Long.compare(a.seq(), b.seq()));
		return requests;
	}

}
