package io.graceful.autoconfigure.tasks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Wakes the background-work step when a task or a piece of tracked work ends, so it waits
 * on a signal instead of polling.
 */
final class Signal {

	private final Lock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	void changed() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait until {@code done} holds or the deadline passes.
	 * @param done the condition, evaluated under the signal's lock
	 * @param deadlineNanos the deadline on the {@link System#nanoTime()} scale
	 * @param recheckNanos longest wait between two evaluations, for state changes nothing
	 * signals (for example a delayed task becoming due)
	 * @return whether the condition holds
	 */
	boolean await(BooleanSupplier done, long deadlineNanos, long recheckNanos) {
		this.lock.lock();
		try {
			while (!done.getAsBoolean()) {
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.changed.await(Math.min(remaining, recheckNanos), TimeUnit.NANOSECONDS);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return done.getAsBoolean();
		}
		finally {
			this.lock.unlock();
		}
	}

}
