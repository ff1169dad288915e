package io.graceful.autoconfigure.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of open WebSocket sessions: 1001 once per session, sessions opened after
 * the drain started closed at once, sessions still open aborted and named.
 */
class OpenWebSocketsTests {

	private final OpenWebSockets sockets = new OpenWebSockets();

	@Test
	void closeAllSends1001WithTheReasonOncePerSession() {
		List<String> reasons = new ArrayList<>();
		this.sockets.register("/ws", reasons::add, null);
		assertThat(this.sockets.closeAll()).isEqualTo(1);
		assertThat(this.sockets.closeAll()).isZero();
		assertThat(reasons).containsExactly(OpenWebSockets.CLOSE_REASON);
	}

	@Test
	void sessionOpenedAfterTheDrainStartedIsClosedAtOnce() {
		this.sockets.closeAll();
		List<String> reasons = new ArrayList<>();
		this.sockets.register("/ws", reasons::add, null);
		assertThat(reasons).hasSize(1);
	}

	@Test
	void sessionStillOpenIsAbortedAndNamedWithItsPathAndAge() {
		AtomicBoolean aborted = new AtomicBoolean();
		this.sockets.register("/ws", (reason) -> {
		}, () -> aborted.set(true));
		OpenWebSockets.Registration closed = this.sockets.register("/closed", (reason) -> {
		}, null);
		this.sockets.closeAll();
		closed.close();
		assertThat(this.sockets.abortOpen()).singleElement().asString().matches("WebSocket /ws \\([0-9.]+m?s\\)");
		assertThat(aborted).isTrue();
		assertThat(this.sockets.count()).isZero();
	}

}
