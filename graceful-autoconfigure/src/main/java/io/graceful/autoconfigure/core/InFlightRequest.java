package io.graceful.autoconfigure.core;

import java.time.Duration;

/**
 * A request being served. Holds method and path only: query strings and headers may carry
 * secrets.
 *
 * @since 0.1.0
 */
public final class InFlightRequest {

	private final String method;

	private final String path;

	private final long startNanos;

	InFlightRequest(String method, String path, long startNanos) {
		this.method = method;
		this.path = path;
		this.startNanos = startNanos;
	}

	public String method() {
		return this.method;
	}

	public String path() {
		return this.path;
	}

	/**
	 * How long the request has been running.
	 * @return its age
	 */
	public Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	long startNanos() {
		return this.startNanos;
	}

	/**
	 * The request as the logs name it, for example {@code POST /orders (21.3s)}.
	 * @return the description
	 */
	public String describe() {
		return this.method + " " + this.path + " (" + Durations.format(Duration.ofMillis(age().toMillis())) + ")";
	}

	@Override
	public String toString() {
		return describe();
	}

}
