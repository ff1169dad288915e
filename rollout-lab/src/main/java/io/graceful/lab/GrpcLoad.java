package io.graceful.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.graceful.testsupport.GrpcText;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * The gRPC mix: open-model unary calls to the sample app's {@code sample.Orders/Place} at
 * a fixed arrival rate, spread over a few long-lived grpc-java channels (default
 * settings: pick-first, transparent retry on, no retry policy) through the balancer's
 * gRPC frontend. Every call is recorded as a {@link LoadGenerator.Request} of kind
 * {@value #KIND}: its id is an order id (so the row and the Kafka event are verified as
 * for {@code POST /orders}), {@code status} is the gRPC status code (0 = OK), a failed
 * call's error starts with the code's name ({@code UNAVAILABLE: ...}), and the instance
 * is the one the reply names.
 */
final class GrpcLoad {

	static final String KIND = "grpc";

	/** The work of each call: uniform in this range, like the HTTP mix's short orders. */
	static final int WORK_MIN_MS = 20;

	static final int WORK_MAX_MS = 200;

	/**
	 * The sample app's method (its GrpcOrders): {@code "<id> <workMs>"} in, instance out.
	 */
	static final MethodDescriptor<String, String> PLACE = GrpcText.unary("sample.Orders", "Place");

	private final double rate;

	private final Random random;

	private final String idPrefix;

	private final Duration timeout;

	private final LongSupplier sequence;

	private final List<ManagedChannel> channels = new ArrayList<>();

	private final ConcurrentLinkedQueue<LoadGenerator.Request> done = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();

	final AtomicLong sent = new AtomicLong();

	final AtomicLong ok = new AtomicLong();

	final AtomicLong failed = new AtomicLong();

	private volatile boolean running;

	private Thread pacer;

	/**
	 * A gRPC load on {@code channelCount} channels to {@code 127.0.0.1:port};
	 * {@code sequence} hands out the request numbers (shared with the HTTP load, so ids
	 * never collide).
	 */
	GrpcLoad(int port, double rate, int channelCount, long seed, String idPrefix, Duration timeout,
			LongSupplier sequence) {
		this.rate = rate;
		this.random = new Random(seed);
		this.idPrefix = idPrefix;
		this.timeout = timeout;
		this.sequence = sequence;
		for (int i = 0; i < channelCount; i++) {
			ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
			// connect now, not on the first call
			channel.getState(true);
			this.channels.add(channel);
		}
	}

	void start() {
		this.running = true;
		this.pacer = new Thread(this::pace, "lab-grpc-pacer");
		this.pacer.setDaemon(true);
		this.pacer.start();
	}

	private void pace() {
		long periodNanos = (long) (1_000_000_000L / this.rate);
		long next = System.nanoTime();
		long n = 0;
		while (this.running) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
				continue;
			}
			call(this.channels.get((int) (n++ % this.channels.size())));
			next += periodNanos;
		}
	}

	private void call(ManagedChannel channel) {
		long seq = this.sequence.getAsLong();
		String id = this.idPrefix + "-" + seq;
		int workMs = WORK_MIN_MS + this.random.nextInt(WORK_MAX_MS - WORK_MIN_MS + 1);
		double start = LabClock.now();
		this.sent.incrementAndGet();
		CompletableFuture<Void> closed = new CompletableFuture<>();
		this.pending.add(closed);
		ClientCall<String, String> call = channel.newCall(PLACE,
				CallOptions.DEFAULT.withDeadlineAfter(this.timeout.toMillis(), TimeUnit.MILLISECONDS));
		call.start(new ClientCall.Listener<>() {

			private volatile String instance = "";

			@Override
			public void onMessage(String message) {
				this.instance = message;
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				record(new LoadGenerator.Request(seq, KIND, id, start, LabClock.now(), status.getCode().value(),
						describe(status), this.instance));
				closed.complete(null);
			}

		}, new Metadata());
		call.request(1);
		call.sendMessage(id + " " + workMs);
		call.halfClose();
	}

	private void record(LoadGenerator.Request request) {
		(request.ok() ? this.ok : this.failed).incrementAndGet();
		this.done.add(request);
	}

	/**
	 * A failed call's error: the status code's name, then its description (commas and
	 * line breaks replaced, for the CSV); empty for OK.
	 */
	static String describe(Status status) {
		if (status.isOk()) {
			return "";
		}
		String description = (status.getDescription() != null) ? ": " + status.getDescription() : "";
		String cause = (status.getCause() != null) ? " (" + status.getCause().getClass().getSimpleName() + ")" : "";
		return (status.getCode().name() + description + cause).replace(',', ';').replace('\n', ' ');
	}

	long inFlight() {
		return this.sent.get() - this.ok.get() - this.failed.get();
	}

	/**
	 * Stops calling, waits for every call to close (each has its deadline), then shuts
	 * the channels down.
	 */
	List<LoadGenerator.Request> stop() {
		this.running = false;
		try {
			if (this.pacer != null) {
				this.pacer.join();
			}
			CompletableFuture.allOf(this.pending.toArray(CompletableFuture[]::new))
				.get(this.timeout.toSeconds() + 5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// every call has a deadline; one still open after it is cancelled below
		}
		this.channels.forEach(ManagedChannel::shutdownNow);
		List<LoadGenerator.Request> calls = new ArrayList<>(this.done);
		calls.sort((a, b) -> Long.compare(a.seq(), b.seq()));
		return calls;
	}

}
