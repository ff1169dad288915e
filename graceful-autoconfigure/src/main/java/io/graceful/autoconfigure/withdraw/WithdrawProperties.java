package io.graceful.autoconfigure.withdraw;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the withdraw step: readiness refuses traffic while the application keeps
 * serving, so that load balancers stop routing to it before the web server stops.
 * <p>
 * Bound under {@code graceful.withdraw}, as part of
 * {@link io.graceful.autoconfigure.GracefulProperties}.
 *
 * @since 0.1.0
 */
public class WithdrawProperties {

	/**
	 * How long to keep serving after readiness turned OUT_OF_SERVICE, while load
	 * balancers catch up: at most this long when a quiet period is set. Defaults to 10s
	 * when the cloud platform is Kubernetes and 0 elsewhere.
	 */
	private @Nullable Duration delay;

	/**
	 * With a quiet period, the delay never ends before this minimum. Set it to the
	 * longest time the load balancer may still route here (on Kubernetes, endpoint
	 * propagation).
	 */
	private @Nullable Duration minDelay;

	/**
	 * End the delay early, not before min-delay, once traffic has stopped: no application
	 * request (health and other management requests do not count) for this long, and no
	 * connection accepted during the delay still open. Off when not set.
	 */
	private @Nullable Duration quietPeriod;

	/**
	 * Whether HTTP/1.1 responses carry 'Connection: close' from the start of withdraw on,
	 * so that keep-alive clients reconnect to another instance.
	 */
	private boolean connectionClose = true;

	/**
	 * Whether HTTP/2 connections get a graceful GOAWAY when withdraw starts (and those
	 * opened during the delay when it ends), so that clients open their next stream on a
	 * new connection. Turn off for callers whose HTTP/2 client fails the streams in
	 * progress on any GOAWAY (the JDK HttpClient of Java 17, for one).
	 */
	private boolean http2GoAway = true;

	/**
	 * Whether connections that stayed idle through the delay are closed when it ends,
	 * while the server still listens, so that no client reuses one into the drain.
	 */
	private boolean closeIdleConnections = true;

	public @Nullable Duration getDelay() {
		return this.delay;
	}

	public void setDelay(@Nullable Duration delay) {
		this.delay = delay;
	}

	public @Nullable Duration getMinDelay() {
		return this.minDelay;
	}

	public void setMinDelay(@Nullable Duration minDelay) {
		this.minDelay = minDelay;
	}

	public @Nullable Duration getQuietPeriod() {
		return this.quietPeriod;
	}

	public void setQuietPeriod(@Nullable Duration quietPeriod) {
		this.quietPeriod = quietPeriod;
	}

	public boolean isConnectionClose() {
		return this.connectionClose;
	}

	public void setConnectionClose(boolean connectionClose) {
		this.connectionClose = connectionClose;
	}

	public boolean isHttp2GoAway() {
		return this.http2GoAway;
	}

	public void setHttp2GoAway(boolean http2GoAway) {
		this.http2GoAway = http2GoAway;
	}

	public boolean isCloseIdleConnections() {
		return this.closeIdleConnections;
	}

	public void setCloseIdleConnections(boolean closeIdleConnections) {
		this.closeIdleConnections = closeIdleConnections;
	}

}
