package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.graceful.autoconfigure.core.Durations;

/**
 * Work that does not run on a Spring-managed executor (a {@code CompletableFuture} on a
 * plain executor, a thread of your own, a callback of a client library) made known to the
 * shutdown, the way Go's {@code sync.WaitGroup} is: the background-work step waits for it
 * within {@code graceful.background-work.timeout}, so the DataSource and Kafka producers
 * it uses are still there, and names what is still running at the bound.
 * <pre class="code">
 * try (TrackedWork.Work work = trackedWork.begin("export")) {
 *     exportOrders();
 * }
 * </pre>
 * <p>
 * Work may begin while the background-work step waits: it is waited for too. Once the
 * step has ended, the resources the work needs are about to close, so {@link #begin}
 * throws a {@link RejectedExecutionException} instead of letting the work start and fail
 * half-way.
 *
 * @since 0.1.0
 */
public final class TrackedWork {

	private final Set<Work> inProgress = ConcurrentHashMap.newKeySet();

	private final AtomicLong finished = new AtomicLong();

	private final Signal signal;

	private volatile boolean closed;

	private volatile String closedReason;

	public TrackedWork() {
		this(new Signal());
	}

	TrackedWork(Signal signal) {
		this.signal = signal;
	}

	/**
	 * Begin a piece of work; close the returned handle when it ends (best in a
	 * try-with-resources block).
	 * @param name a short name for logs, for example {@code export}; never put secrets or
	 * personal data in it
	 * @return the handle that ends the work when closed
	 * @throws RejectedExecutionException if the background-work step of the shutdown has
	 * already ended
	 */
	public Work begin(String name) {
		if (this.closed) {
			throw new RejectedExecutionException("Tracked work '" + name + "' rejected: " + this.closedReason);
		}
		Work work = new Work(this, name, System.nanoTime());
		this.inProgress.add(work);
		if (this.closed && this.inProgress.remove(work)) {
			throw new RejectedExecutionException("Tracked work '" + name + "' rejected: " + this.closedReason);
		}
		return work;
	}

	/**
	 * The number of pieces of work that began and have not ended yet.
	 * @return the number of pieces of work in progress
	 */
	public int inProgress() {
		return this.inProgress.size();
	}

	long finished() {
		return this.finished.get();
	}

	void close(String reason) {
		this.closedReason = reason;
		this.closed = true;
	}

	List<String> describeInProgress() {
		long now = System.nanoTime();
		return this.inProgress.stream()
			.sorted(Comparator.comparingLong((Work work) -> work.startNanos))
			.map((work) -> "tracked work '" + work.name + "' (running "
					+ Durations.format(Duration.ofMillis(Duration.ofNanos(now - work.startNanos).toMillis())) + ")")
			.toList();
	}

	private void end(Work work) {
		if (this.inProgress.remove(work)) {
			this.finished.incrementAndGet();
			this.signal.changed();
		}
	}

	/**
	 * A piece of tracked work in progress; {@link #close()} ends it (more calls do
	 * nothing).
	 *
	 * @since 0.1.0
	 */
	public static final class Work implements AutoCloseable {

		private final TrackedWork owner;

		private final String name;

		private final long startNanos;

		private final AtomicBoolean ended = new AtomicBoolean();

		private Work(TrackedWork owner, String name, long startNanos) {
			this.owner = owner;
			this.name = name;
			this.startNanos = startNanos;
		}

		/**
		 * The name given to {@link TrackedWork#begin}.
		 * @return the name
		 */
		public String name() {
			return this.name;
		}

		/**
		 * End the work.
		 */
		@Override
		public void close() {
			if (this.ended.compareAndSet(false, true)) {
				this.owner.end(this);
			}
		}

	}

}
