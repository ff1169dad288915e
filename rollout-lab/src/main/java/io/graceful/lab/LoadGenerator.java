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
	 * {@code order-saturation} when sent straight to an instance), id, times in lab ms,
	 * status (0: no response), and the instance that answered ({@code app-1/<pid>} from
	 * the sample app's {@code X-Instance} header; empty without a response).
	 */
	record Request(long seq, String kind, String id, double startMs, double endMs, int status, String error,
			String instance) {

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

		/** Whether it came through the balancer (not sent straight to one instance). */
		boolean balanced() {
			return this.kind.equals("order") || this.kind.equals("increment");
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

	long inFlight() {
		return this.sent.get() - this.ok.get() - this.failed.get();
	}

	/** Stops sending and waits for every response (or its timeout). */
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
