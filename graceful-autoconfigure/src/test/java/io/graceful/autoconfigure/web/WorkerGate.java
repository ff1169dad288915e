package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Holds the server's worker threads in requests until the test opens it, so that the
 * server's worker pool is saturated at a moment the test chooses.
 */
final class WorkerGate {

	private final Semaphore entered = new Semaphore(0);

	private final CountDownLatch open = new CountDownLatch(1);

	void hold() throws InterruptedException {
		this.entered.release();
		this.open.await(30, TimeUnit.SECONDS);
	}

	void awaitHeld(int requests, Duration timeout) throws InterruptedException {
		if (!this.entered.tryAcquire(requests, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("Fewer than " + requests + " requests reached the gate");
		}
	}

	void open() {
		this.open.countDown();
	}

}
