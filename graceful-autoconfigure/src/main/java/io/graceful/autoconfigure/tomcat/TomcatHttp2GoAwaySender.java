package io.graceful.autoconfigure.tomcat;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import org.apache.coyote.http11.upgrade.UpgradeProcessorInternal;

/**
 * Sends GOAWAY on Tomcat's HTTP/2 connections the way Tomcat does itself when its
 * connector pauses at drain start: {@code Http2UpgradeHandler.pause()}, reached through
 * the processor of each connection of the endpoint. That is Tomcat's two-step graceful
 * GOAWAY: a first frame with last stream id 2^31-1 (NO_ERROR), so a stream racing it is
 * still processed; Tomcat sends the second, with the real last stream id, only when the
 * client opens a new stream at least a round trip (measured by its PINGs) later, and
 * ignores that stream (above the last stream id, so safe to retry). The processor is read
 * under the connection's lock, because Tomcat detaches it while it processes the
 * connection; a connection busy at that instant is retried for up to 200ms, and left for
 * the next call (at the end of withdraw) or for Tomcat's own pause at drain only if it
 * stays busy that long. Created by {@link TomcatConnections} at the first GOAWAY.
 */
final class TomcatHttp2GoAwaySender {

	private static final Duration BUSY_RETRY = Duration.ofMillis(200);

	private final TomcatConnections connections;

	private final Set<UpgradeProcessorInternal> paused = Collections.newSetFromMap(new WeakHashMap<>());

	TomcatHttp2GoAwaySender(TomcatConnections connections) {
		this.connections = connections;
	}

	/**
	 * Send a graceful GOAWAY on every HTTP/2 connection that has not had one yet.
	 * @return how many connections got one now
	 */
	int sendGoAway() {
		return this.connections.visitUnlocked((connection) -> {
			if (connection.getCurrentProcessor() instanceof UpgradeProcessorInternal upgrade && isHttp2(upgrade)
					&& markPaused(upgrade)) {
				upgrade.pause();
				return true;
			}
			return false;
		}, BUSY_RETRY);
	}

	private synchronized boolean markPaused(UpgradeProcessorInternal upgrade) {
		return this.paused.add(upgrade);
	}

	private static boolean isHttp2(UpgradeProcessorInternal upgrade) {
		return upgrade.getUpgradeToken() != null && upgrade.getUpgradeToken().getHttpUpgradeHandler() != null
				&& "org.apache.coyote.http2"
					.equals(upgrade.getUpgradeToken().getHttpUpgradeHandler().getClass().getPackageName());
	}

}
