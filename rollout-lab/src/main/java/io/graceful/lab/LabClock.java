package io.graceful.lab;

/**
 * One monotonic clock for everything the lab records: requests, signals and log markers
 * share a time axis.
 */
final class LabClock {

	private static final long ORIGIN = System.nanoTime();

	private LabClock() {
	}

	/** Milliseconds since the lab started, with sub-millisecond precision. */
	static double now() {
		return (System.nanoTime() - ORIGIN) / 1_000_000.0;
	}

}
