package io.graceful.autoconfigure.core;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The requests being served, kept by the request filters, read by withdraw and drain. The
 * hot path takes no lock beyond the concurrent set and writes shared state only while the
 * application is withdrawing.
 *
 * @since 0.1.0
 */
public final class InFlightRequests {

	private final Set<InFlightRequest> requests = ConcurrentHashMap.newKeySet();

	private final LongAdder servedWhileClosing = new LongAdder();

	private volatile boolean closingConnections;

	private volatile long lastTrafficNanos;

	/**
	 * Record the start of a request.
	 * @param method the HTTP method
	 * @param path the path, without query string
	 * @param traffic whether it is application traffic (not a management request such as
	 * a health probe)
	 * @return the request, to pass to {@link #end}
	 */
	public InFlightRequest begin(String method, String path, boolean traffic) {
		long now = System.nanoTime();
		InFlightRequest request = new InFlightRequest(method, path, now);
		this.requests.add(request);
		if (this.closingConnections && traffic) {
			this.lastTrafficNanos = now;
			this.servedWhileClosing.increment();
		}
		return request;
	}

	/**
	 * Record the end of a request.
	 * @param request the request from {@link #begin}
	 */
	public void end(InFlightRequest request) {
		this.requests.remove(request);
	}

	/**
	 * Whether HTTP/1.1 responses must carry {@code Connection: close}, so that keep-alive
	 * clients reconnect elsewhere.
	 * @return {@code true} from the start of withdraw on
	 */
	public boolean isClosingConnections() {
		return this.closingConnections;
	}

	/**
	 * Start answering with {@code Connection: close}, and counting application requests.
	 */
	public void startClosingConnections() {
		this.lastTrafficNanos = System.nanoTime();
		this.closingConnections = true;
	}

	/**
	 * Stop answering with {@code Connection: close}: the application is back in rotation
	 * (only before a shutdown, through the {@code graceful} endpoint's write operation).
	 */
	public void stopClosingConnections() {
		this.closingConnections = false;
	}

	/**
	 * When the last application request arrived since {@link #startClosingConnections()}
	 * (or that call itself), in {@link System#nanoTime()} terms.
	 * @return the nano time
	 */
	public long lastTrafficNanos() {
		return this.lastTrafficNanos;
	}

	/**
	 * Application requests that arrived since {@link #startClosingConnections()}.
	 * @return the count
	 */
	public long servedWhileClosing() {
		return this.servedWhileClosing.sum();
	}

	/**
	 * Requests in flight now.
	 * @return the count
	 */
	public int count() {
		return this.requests.size();
	}

	/**
	 * The requests in flight now, oldest first.
	 * @return the requests
	 */
	public List<InFlightRequest> snapshot() {
		return this.requests.stream().sorted(Comparator.comparingLong(InFlightRequest::startNanos)).toList();
	}

}
